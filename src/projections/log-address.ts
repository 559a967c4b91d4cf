/** Where an event sits in the store. */
export interface LogAddress {
  eventId: string;
  streamId: string;
  revision: number;
  position: string;
}
