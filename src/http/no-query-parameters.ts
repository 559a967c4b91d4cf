/**
 * The query of a route that takes no parameters: declared with `@Query() _query: NoQueryParameters`,
 * so the validation pipe refuses any parameter by name instead of ignoring it.
 */
export class NoQueryParameters {}
