/** Example values for the response classes, from the seed story (seeds/2023-12-azerbaijan-france.json). */
export const EXPULSION_ID = '01a20501-cd4a-768f-b4e7-f80f53499456';
export const EXPULSION_SUMMARY = 'Azerbaijan declares two French embassy employees personae non gratae and orders them to leave within 48 hours';
