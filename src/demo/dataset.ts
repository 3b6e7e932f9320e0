/**
 * A realistic data set distilled from the source documents in /work/shared/seeds (the UNODC project report
 * "Support to Crime Prevention in the Kyrgyz Republic" and four news items). Figures the documents give are
 * kept (USD 500,000 INL grant; 15 endorsed plans; 12 small grants worth USD 34,000 with USD 22,000 local
 * co-funding; 6 police/LCPC premises with USD 132,000 from local and police budgets; 34 + 200 + 59 + 25
 * trained; 8 exchange visits with 125 participants; 350 direct and 600,000 indirect beneficiaries; the Peace
 * Building Fund's 3 police stations worth over USD 225,000). Where the documents give no detail (a single
 * grant's amount, a council's decision number, a bank reference) the values are invented but plausible;
 * they add up to the reported totals.
 */

export type Money = { amount: string; currency: string };
export const usd = (amount: string): Money => ({ amount, currency: 'USD' });
export const kgs = (amount: string): Money => ({ amount, currency: 'KGS' });

/** National Bank of the Kyrgyz Republic, about 69 KGS per USD in 2016-2017. */
export const NBKR_2016 = { rate: '0.0145', date: '2016-09-01', source: 'NBKR' };
export const NBKR_2017 = { rate: '0.0145', date: '2017-05-10', source: 'NBKR' };

export const municipalities = [
  { id: 'nookat', name: 'Nookat', oblast: 'Osh', district: 'Nookat district', kind: 'town', population: 16000 },
  { id: 'kara-suu', name: 'Kara-Suu', oblast: 'Osh', district: 'Kara-Suu district', kind: 'town', population: 23000 },
  { id: 'ala-buka', name: 'Ala-Buka', oblast: 'Jalal-Abad', district: 'Ala-Buka district', kind: 'aiyl-aimak' },
  { id: 'kerben', name: 'Kerben', oblast: 'Jalal-Abad', district: 'Aksy district', kind: 'town' },
  { id: 'suzak', name: 'Suzak', oblast: 'Jalal-Abad', district: 'Suzak district', kind: 'aiyl-aimak' },
  { id: 'amanbaev', name: 'Amanbaev', oblast: 'Talas', district: 'Kara-Buura district', kind: 'aiyl-aimak' },
  { id: 'chaek', name: 'Chaek', oblast: 'Naryn', district: 'Jumgal district', kind: 'aiyl-aimak' },
  { id: 'uch-korgon', name: 'Uch-Korgon', oblast: 'Batken', district: 'Kadamjai district', kind: 'aiyl-aimak' },
  { id: 'kulundu', name: 'Kulundu', oblast: 'Batken', district: 'Leilek district', kind: 'aiyl-aimak' },
  { id: 'kara-kulja', name: 'Kara-Kulja', oblast: 'Osh', district: 'Kara-Kulja district', kind: 'aiyl-aimak' },
  { id: 'oktyabr', name: 'Oktyabr', oblast: 'Chui', district: 'Alamedin district', kind: 'aiyl-aimak' },
  { id: 'jeti-oguz', name: 'Jeti-Oguz', oblast: 'Issyk-Kul', district: 'Jeti-Oguz district', kind: 'aiyl-aimak' },
  { id: 'cholpon', name: 'Cholpon', oblast: 'Naryn', kind: 'village' },
  { id: 'uzgen', name: 'Uzgen', oblast: 'Osh', district: 'Uzgen district', kind: 'town' },
  { id: 'nariman', name: 'Nariman', oblast: 'Osh', district: 'Kara-Suu district', kind: 'aiyl-aimak' },
  { id: 'kyzyl-tuu', name: 'Kyzyl-Tuu', oblast: 'Jalal-Abad', kind: 'village' },
  { id: 'aksuu', name: 'Aksuu', oblast: 'Batken', kind: 'village' },
  { id: 'khalmion', name: 'Khalmion', oblast: 'Batken', district: 'Kadamjai district', kind: 'village' },
  { id: 'sverdlovsk-bishkek', name: 'Sverdlovsk district', oblast: 'Bishkek', kind: 'city-district', population: 250000 },
];

export const programmes = [
  {
    id: 'inl-crime-prevention-2016',
    title: 'Support to Crime Prevention in the Kyrgyz Republic',
    donor: { id: 'us-inl', name: "US State Department, Bureau for International Narcotics and Law Enforcement Affairs (INL)" },
    budget: usd('500000.00'),
    startDate: '2016-01-01',
    endDate: '2018-01-31',
    implementer: 'UNODC, with the public foundation "Foundation for Tolerance International"',
    tranches: [
      { amount: usd('250000.00'), receivedOn: '2016-02-15', reference: 'INL grant, tranche 1' },
      { amount: usd('250000.00'), receivedOn: '2017-02-20', reference: 'INL grant, tranche 2' },
    ],
  },
  {
    id: 'pbf-police-stations-2016',
    title: 'New police stations in border villages',
    donor: { id: 'un-pbf', name: 'UN Peace Building Fund' },
    budget: usd('230000.00'),
    startDate: '2016-01-01',
    endDate: '2016-12-31',
    implementer: 'UNODC',
    tranches: [{ amount: usd('230000.00'), receivedOn: '2016-03-01', reference: 'PBF transfer 2016/031' }],
  },
];

const INL = 'inl-crime-prevention-2016';
const PBF = 'pbf-police-stations-2016';

type Activity = { id: string; title: string; priority: string; budget?: Money; fundingSource: 'local-budget' | 'programme' | 'other' };
export interface PlanSeed {
  id: string;
  programmeId: string;
  municipalityId: string;
  title: string;
  period: { from: string; to: string };
  priorities: string[];
  activities: Activity[];
  /** Absent: the plan is still a draft. */
  endorsement?: { endorsedBy: string; decisionRef: string; endorsedOn: string };
}

/** A plan with the usual shape: one activity per priority, the local budget paying the first. */
function plan(programmeId: string, municipalityId: string, name: string, priorities: string[], endorsedOn: string | null, period = { from: '2016-01-01', to: '2017-12-31' }): PlanSeed {
  return {
    id: `plan-${municipalityId}`,
    programmeId,
    municipalityId,
    title: `${name} local crime prevention plan ${period.from.slice(0, 4)}-${period.to.slice(0, 4)}`,
    period,
    priorities,
    activities: priorities.map((priority, i) => ({
      id: `a${i + 1}`,
      title: ACTIVITY_TITLES[priority] ?? `Prevention of ${priority}`,
      priority,
      ...(i === 0 ? { budget: kgs('300000.00'), fundingSource: 'local-budget' as const } : { fundingSource: 'programme' as const }),
    })),
    ...(endorsedOn ? { endorsement: { endorsedBy: `${name} local council (kenesh)`, decisionRef: `Decision No. ${endorsedOn.slice(5, 7)}/${name.length}`, endorsedOn } } : {}),
  };
}

const ACTIVITY_TITLES: Record<string, string> = {
  'road safety': 'Road signs, traffic lights and speed bumps near schools; traffic-rules lessons',
  'violent extremism and radicalisation': 'Mobile groups reporting signs of radicalisation to the mayor',
  'domestic and family violence': 'Crisis counselling and joint police-LCPC home visits',
  'early marriages': 'Awareness sessions with parents and religious leaders',
  'cattle theft': 'Cattle registration and pasture patrols',
  'juvenile delinquency': 'Youth centre with sports and skills courses',
  'inter-ethnic and border conflicts': 'Youth exchange with neighbouring Tajik villages',
  'school racketeering': 'School safety councils and hotline',
  'bullying and suicides': 'School psychologists and peer-support groups',
  'violence against women and children': "Women's committee outreach and safe spaces",
};

export const plans: PlanSeed[] = [
  plan(INL, 'nookat', 'Nookat', ['violent extremism and radicalisation', 'road safety', 'domestic and family violence', 'early marriages'], '2016-03-03'),
  plan(INL, 'kara-suu', 'Kara-Suu', ['violent extremism and radicalisation', 'juvenile delinquency'], '2016-03-10'),
  plan(INL, 'ala-buka', 'Ala-Buka', ['inter-ethnic and border conflicts', 'juvenile delinquency'], '2016-04-05'),
  plan(INL, 'kerben', 'Kerben', ['school racketeering', 'road safety'], '2016-04-12'),
  plan(INL, 'suzak', 'Suzak', ['domestic and family violence', 'early marriages'], '2016-04-20'),
  plan(INL, 'amanbaev', 'Amanbaev', ['road safety', 'cattle theft'], '2016-05-04'),
  plan(INL, 'chaek', 'Chaek', ['cattle theft', 'domestic and family violence'], '2016-05-11'),
  plan(INL, 'kara-kulja', 'Kara-Kulja', ['juvenile delinquency', 'violence against women and children'], '2016-05-18'),
  plan(INL, 'jeti-oguz', 'Jeti-Oguz', ['juvenile delinquency', 'domestic and family violence'], '2016-05-25'),
  plan(INL, 'cholpon', 'Cholpon', ['bullying and suicides', 'cattle theft'], '2016-06-08'),
  plan(INL, 'uzgen', 'Uzgen', ['violent extremism and radicalisation', 'inter-ethnic and border conflicts'], '2016-06-15'),
  plan(INL, 'nariman', 'Nariman', ['juvenile delinquency', 'road safety'], '2016-06-22'),
  plan(INL, 'kyzyl-tuu', 'Kyzyl-Tuu', ['early marriages', 'school racketeering'], '2016-07-06'),
  plan(INL, 'khalmion', 'Khalmion', ['inter-ethnic and border conflicts', 'road safety'], '2016-07-13'),
  plan(INL, 'sverdlovsk-bishkek', 'Sverdlovsk district', ['juvenile delinquency', 'bullying and suicides', 'violence against women and children'], '2017-02-16', { from: '2017-01-01', to: '2019-12-31' }),
  // Drafted with the working group, not yet before the council.
  plan(INL, 'aksuu', 'Aksuu', ['inter-ethnic and border conflicts'], null, { from: '2017-01-01', to: '2018-12-31' }),
  // Presented to the villagers when the Peace Building Fund's police stations opened (August 2016).
  plan(PBF, 'oktyabr', 'Oktyabr', ['domestic and family violence', 'road safety'], '2016-06-29'),
  plan(PBF, 'kulundu', 'Kulundu', ['inter-ethnic and border conflicts', 'juvenile delinquency'], '2016-06-30'),
  plan(PBF, 'uch-korgon', 'Uch-Korgon', ['road safety', 'juvenile delinquency'], '2016-07-01'),
];

/** Jeti-Oguz took up cattle theft after the 2017 survey (registration, pasture patrols, video on transit roads). */
export const amendments = [
  {
    planId: 'plan-jeti-oguz',
    reason: 'the 2017 public-safety survey ranked cattle theft first; the council added it to the plan',
    decisionRef: 'Decision No. 04/17',
    addPriorities: ['cattle theft'],
    addActivities: [
      { id: 'a3', title: 'Cattle registration and sale certificates', priority: 'cattle theft', budget: kgs('250000.00'), fundingSource: 'local-budget' as const },
      { id: 'a4', title: 'Video monitoring on key transit roads', priority: 'cattle theft', budget: kgs('400000.00'), fundingSource: 'other' as const },
    ],
  },
];

/**
 * Police and LCPC premises in 6 places (5 municipalities and Bishkek), half paid by the local authority: the
 * local shares add up to the USD 132,000 the report names. Nookat's works cost over 2 million KGS.
 */
export const facilities = [
  { id: 'nookat-one-stop-shop', programmeId: INL, municipalityId: 'nookat', kind: 'police-and-lcpc', title: "Police station and LCPC office in the Mayor's Office (one-stop shop)", totalCost: kgs('2050000.00'), exchangeRate: NBKR_2017, completedOn: '2017-09-14' },
  { id: 'jeti-oguz-police-lcpc', programmeId: INL, municipalityId: 'jeti-oguz', kind: 'police-and-lcpc', title: 'Police and LCPC under one roof', totalCost: usd('52000.00'), completedOn: '2017-06-30' },
  { id: 'kara-suu-lcpc', programmeId: INL, municipalityId: 'kara-suu', kind: 'lcpc-office', title: 'LCPC office and base of the mobile groups', totalCost: usd('48000.00'), completedOn: '2017-05-31' },
  { id: 'amanbaev-police-point', programmeId: INL, municipalityId: 'amanbaev', kind: 'police-station', title: 'Police point', totalCost: usd('44000.00'), completedOn: '2017-07-20' },
  { id: 'kerben-police-point', programmeId: INL, municipalityId: 'kerben', kind: 'police-station', title: 'Police point', totalCost: usd('40000.00'), completedOn: '2017-08-10' },
  { id: 'sverdlovsk-police-lcpc', programmeId: INL, municipalityId: 'sverdlovsk-bishkek', kind: 'police-and-lcpc', title: 'Police and LCPC office in a new settlement', totalCost: usd('50275.00'), completedOn: '2017-11-30' },
  // The Peace Building Fund paid these three in full.
  { id: 'oktyabr-police-station', programmeId: PBF, municipalityId: 'oktyabr', kind: 'police-station', title: 'New police station', totalCost: usd('75400.00'), localShareRatio: '0', completedOn: '2016-08-10' },
  { id: 'kulundu-police-station', programmeId: PBF, municipalityId: 'kulundu', kind: 'police-station', title: 'New police station', totalCost: usd('74800.00'), localShareRatio: '0', completedOn: '2016-08-12' },
  { id: 'uch-korgon-police-station', programmeId: PBF, municipalityId: 'uch-korgon', kind: 'police-station', title: 'New police station', totalCost: usd('75300.00'), localShareRatio: '0', completedOn: '2016-08-15' },
];

/** The local authorities' shares of the INL premises, with the payment that proves each. */
export const facilityCoFunding = [
  { facilityId: 'nookat-one-stop-shop', amount: kgs('1025000.00'), exchangeRate: NBKR_2017, source: 'local-budget', evidenceRef: 'Nookat town treasury order 2017/118', receivedOn: '2017-05-10' },
  { facilityId: 'jeti-oguz-police-lcpc', amount: usd('26000.00'), source: 'local-budget', evidenceRef: 'Jeti-Oguz aiyl okmotu payment 2017/044', receivedOn: '2017-03-15' },
  { facilityId: 'kara-suu-lcpc', amount: usd('24000.00'), source: 'local-budget', evidenceRef: 'Kara-Suu town treasury order 2017/071', receivedOn: '2017-02-28' },
  { facilityId: 'amanbaev-police-point', amount: usd('22000.00'), source: 'police-budget', evidenceRef: 'MoI Talas directorate transfer 2017/19', receivedOn: '2017-04-12' },
  { facilityId: 'kerben-police-point', amount: usd('20000.00'), source: 'local-budget', evidenceRef: 'Kerben town treasury order 2017/093', receivedOn: '2017-05-02' },
  { facilityId: 'sverdlovsk-police-lcpc', amount: usd('25137.50'), source: 'local-budget', evidenceRef: 'Bishkek Sverdlovsk district administration order 2017/355', receivedOn: '2017-08-01' },
];

/** Uch-Korgon's council allocated over USD 40,000 to its plan (sports grounds, a playground). */
export const planCoFunding = [
  { planId: 'plan-uch-korgon', amount: kgs('2800000.00'), exchangeRate: NBKR_2016, source: 'local-budget', evidenceRef: 'Uch-Korgon aiyl okmotu budget decision 2016/12', receivedOn: '2016-09-01' },
];

/** The grants commission: national counterparts, civil society and an independent expert. Ids are JWT subjects. */
export const commission = {
  id: 'inl-grants-commission',
  programmeId: INL,
  name: 'Small grants commission',
  quorum: 3,
  members: [
    { id: 'gulnara', name: 'Gulnara Asanova', affiliation: 'Government Administration' },
    { id: 'bakyt', name: 'Bakyt Toktogulov', affiliation: 'Ministry of Interior' },
    { id: 'aigul', name: 'Aigul Sydykova', affiliation: 'civil society' },
    { id: 'marat', name: 'Marat Isaev', affiliation: 'independent expert' },
  ],
};

export const grantCall = {
  id: 'inl-small-grants-2016',
  programmeId: INL,
  commissionId: commission.id,
  title: 'Small grants for local crime prevention plans',
  envelope: usd('34000.00'),
  minCoFundingRatio: '0.5',
  closesOn: '2016-10-31',
};

/** The seed report's competition ran in autumn 2016; applications are recorded with that date. */
export const applicationsSubmittedOn = '2016-10-14';

export interface GrantSeed {
  id: string;
  applicant: { name: string; type: 'ngo' | 'lcpc' | 'local-institution' };
  municipalityId: string;
  activity: string;
  title: string;
  priority: string;
  requested: Money;
  coFundingPledged: Money;
  approved: boolean;
  /** A member who declares a conflict of interest with the applicant and so neither scores nor votes. */
  recused?: string;
  coFundingEvidence?: string;
}

const grant = (municipalityId: string, type: GrantSeed['applicant']['type'], name: string, priority: string, requested: string, pledged: string, approved = true): GrantSeed => {
  const seed = plans.find((p) => p.municipalityId === municipalityId)!;
  const activity = seed.activities.find((a) => a.priority === priority)!;
  return {
    id: `grant-${municipalityId}-${activity.id}`,
    applicant: { name, type },
    municipalityId,
    activity: activity.id,
    title: activity.title,
    priority,
    requested: usd(requested),
    coFundingPledged: usd(pledged),
    approved,
    ...(approved ? { coFundingEvidence: `${seed.title.split(' local')[0]} co-funding payment 2016/${requested.slice(0, 2)}` } : {}),
  };
};

/** 12 grants approved (USD 34,000, co-funding USD 22,000) and 2 rejected. */
export const grants: GrantSeed[] = [
  grant('nookat', 'lcpc', 'Nookat LCPC', 'road safety', '3000.00', '2000.00'),
  grant('kara-suu', 'ngo', 'Youth of Kara-Suu', 'juvenile delinquency', '2500.00', '1500.00'),
  grant('ala-buka', 'ngo', 'Ala-Buka Peace Initiative', 'inter-ethnic and border conflicts', '3500.00', '2000.00'),
  { ...grant('kerben', 'local-institution', 'Kerben school No. 2', 'school racketeering', '2800.00', '1500.00'), recused: 'aigul' },
  grant('suzak', 'ngo', "Suzak women's committee", 'early marriages', '2700.00', '1500.00'),
  grant('amanbaev', 'lcpc', 'Amanbaev LCPC', 'road safety', '3000.00', '2000.00'),
  grant('chaek', 'lcpc', 'Chaek LCPC', 'cattle theft', '2900.00', '2000.00'),
  grant('kara-kulja', 'ngo', 'Kara-Kulja Family Support', 'violence against women and children', '2600.00', '1500.00'),
  grant('jeti-oguz', 'local-institution', 'Jeti-Oguz youth centre', 'juvenile delinquency', '3100.00', '2000.00'),
  grant('uzgen', 'ngo', 'Uzgen Dialogue', 'inter-ethnic and border conflicts', '2500.00', '1500.00'),
  grant('nariman', 'lcpc', 'Nariman LCPC', 'road safety', '2700.00', '2000.00'),
  grant('khalmion', 'local-institution', 'Khalmion youth council', 'inter-ethnic and border conflicts', '2700.00', '2500.00'),
  grant('cholpon', 'ngo', 'Cholpon Hope', 'bullying and suicides', '4000.00', '2000.00', false),
  grant('kyzyl-tuu', 'ngo', 'Kyzyl-Tuu Girls Forward', 'early marriages', '3500.00', '1800.00', false),
];

export interface ResultSeed {
  id: string;
  programmeId: string;
  kind: 'training' | 'exchange-visit' | 'beneficiaries' | 'event' | 'media';
  date: string;
  title: string;
  municipalityId?: string;
  grantId?: string;
  priority?: string;
  participants?: number;
  directBeneficiaries?: number;
  indirectBeneficiaries?: number;
}

const visits: [string, number][] = [['nookat', 16], ['kara-suu', 16], ['jeti-oguz', 16], ['amanbaev', 16], ['uch-korgon', 16], ['kulundu', 15], ['chaek', 15], ['kerben', 15]];

export const results: ResultSeed[] = [
  { id: 'tot-akims-police-heads', programmeId: INL, kind: 'training', date: '2016-05-20', title: 'Training of trainers for akims and heads of district police', participants: 34 },
  { id: 'cascade-training-2016', programmeId: INL, kind: 'training', date: '2016-10-28', title: 'Crime prevention training for local officials, police and LCPC members in 12 municipalities', participants: 200 },
  { id: 'manual-training-academy', programmeId: INL, kind: 'training', date: '2017-04-14', title: 'Training on the crime prevention manual for teachers, local officials and police chiefs', participants: 59 },
  { id: 'police-academy-professors', programmeId: INL, kind: 'training', date: '2017-06-09', title: 'Crime prevention course for academy professors', participants: 25 },
  ...visits.map(([municipalityId, participants], i): ResultSeed => ({
    id: `exchange-visit-${i + 1}`,
    programmeId: INL,
    kind: 'exchange-visit',
    date: `2017-0${3 + Math.floor(i / 2)}-${10 + (i % 2) * 10}`,
    title: `Exchange visit of ${municipalityId} officials, police and LCPC to a neighbouring community`,
    municipalityId,
    participants,
  })),
  { id: 'national-forum-2016', programmeId: INL, kind: 'event', date: '2016-11-24', title: 'National crime prevention conference' },
  { id: 'national-forum-2017', programmeId: INL, kind: 'event', date: '2017-11-23', title: 'National crime prevention forum' },
  { id: 'nookat-one-stop-shop-opening', programmeId: INL, kind: 'media', date: '2017-10-05', title: 'UNODC supported "one-stop shop" improves access to policing services in Nookat', municipalityId: 'nookat' },
  { id: 'pbf-stations-inauguration', programmeId: PBF, kind: 'event', date: '2016-08-16', title: 'Inauguration of three new police stations; local plans presented to the villagers' },
  { id: 'project-beneficiaries', programmeId: INL, kind: 'beneficiaries', date: '2018-01-31', title: 'People reached by the project', directBeneficiaries: 350, indirectBeneficiaries: 600000 },
  // Recorded twice by mistake, then retracted (see retractions): history keeps both.
  { id: 'cascade-training-2016-duplicate', programmeId: INL, kind: 'training', date: '2016-10-28', title: 'Crime prevention training (entered twice)', participants: 200 },
];

export const retractions = [{ resultId: 'cascade-training-2016-duplicate', reason: 'the cascaded training was recorded twice' }];
