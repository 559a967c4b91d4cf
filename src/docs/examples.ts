/** Request bodies from the seed story (seeds/2023-12-azerbaijan-france.json), for the API docs. */
export const REPORT_EXAMPLES = {
  expulsion: {
    summary: 'Azerbaijan expels two French diplomats (26 Dec 2023)',
    value: {
      type: 'DiplomatsExpelled',
      actor: 'AZE',
      target: 'FRA',
      occurredOn: '2023-12-26',
      summary: 'Azerbaijan declares two French embassy employees personae non gratae and orders them to leave within 48 hours',
      sources: [
        { publisher: 'Unattributed news report, Baku dateline (Demarche seed article 000_7265cf855958d769)', publishedOn: '2023-12-27' },
        { publisher: 'Unattributed news report (Demarche seed article 002_63eb337d2ba5c646)', title: 'France Expels Azerbaijani Diplomats Amid Accusations of Pro-Armenian Bias' },
      ],
      details: { diplomats: 2, deadlineHours: 48 },
    },
  },
  reciprocal: {
    summary: 'France answers in kind (Dec 2023: only the month is known)',
    value: {
      type: 'DiplomatsExpelled',
      actor: 'FRA',
      target: 'AZE',
      occurredOn: '2023-12',
      summary: "France expels two diplomats of Azerbaijan's embassy in Paris, citing reciprocity",
      sources: [{ publisher: 'Unattributed news report (Demarche seed article 002_63eb337d2ba5c646)' }],
      details: { diplomats: 2 },
    },
  },
  summons: {
    summary: 'Baku summons the French ambassador',
    value: {
      type: 'AmbassadorSummoned',
      actor: 'AZE',
      target: 'FRA',
      occurredOn: '2023-12-26',
      summary: "Azerbaijan's Foreign Ministry summons French Ambassador Anne Boillon in strong protest over the actions of two French embassy employees",
      sources: [{ url: 'https://www.example.org/2023/12/26/baku-summons-french-ambassador', publisher: 'Example Wire' }],
      details: { ambassadorName: 'Anne Boillon' },
    },
  },
};
