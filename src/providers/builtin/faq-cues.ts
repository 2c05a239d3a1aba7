/** Phrases that make the FAQ bot hand off at once, by hand-off reason; matched lower-cased as substrings. */
export const SENSITIVE_CUES: Record<string, string[]> = {
  bereavement: ["passed away", "died", "death", "funeral", "verstorben", "gestorben", "décédé", "décès", "falleció", "fallecido", "morto", "deceduto", "overleden", "faleceu", "zmarł", "zmarła", "avled", "død", "døde", "kuoli", "zemřel", "decedat", "elhunyt", "πέθανε", "vefat", "умер", "помер", "почина", "preminuo", "zomrel", "umrl", "mirė", "suri", "nomira", "va morir", "توفي", "נפטר", "निधन", "亡くな", "돌아가", "去世", "meninggal", "qua đời", "เสียชีวิต", "pumanaw"],
  fraud: ["fraud", "didn't make", "did not make", "don't recognise", "don't recognize", "unrecognised", "stolen", "betrug", "nicht getätigt", "kenne ich nicht", "gestohlen", "fraude", "pas effectué", "volé", "no reconozco", "robad", "frode", "non riconosco", "rubat", "oplichting", "niet herken", "gestolen", "não reconheço", "oszustw", "nie rozpoznaję", "skradzion", "bedrägeri", "känner inte igen", "svindel", "genkender ikke", "kjenner ikke igen", "petos", "en tunnista", "podvod", "мошенни", "шахрай", "احتيال", "הונאה", "धोखाधड़ी", "不正", "사기", "欺诈", "盗刷", "penipuan", "lừa đảo", "ฉ้อโกง"],
  legal: ["lawyer", "solicitor", "sue ", "court", "ombudsman", "anwalt", "klage", "gericht", "avocat", "tribunal", "abogado", "demanda", "avvocato", "advocaat", "rechter", "advogado", "prawnik", "sąd", "advokat", "domstol", "asianajaja", "oikeuteen", "právník", "avocat", "ügyvéd", "δικηγόρ", "avukat", "адвокат", "юрист", "суд", "محامي", "עורך דין", "वकील", "弁護士", "변호사", "律师", "pengacara", "luật sư", "ทนาย"],
  vulnerability: ["suicide", "kill myself", "hopeless", "can't go on", "hospital", "selbstmord", "keinen ausweg", "krankenhaus", "suicid", "hôpital", "hospital", "ospedale", "ziekenhuis", "szpital", "sjukhus", "sygehus", "sykehus", "sairaala", "nemocnic", "больниц", "лікарн", "مستشفى", "בית חולים", "अस्पताल", "病院", "병원", "医院", "rumah sakit", "bệnh viện", "โรงพยาบาล"],
  hardship: ["can't pay", "cannot pay", "lost my job", "unemployed", "kann nicht zahlen", "arbeitslos", "job verloren", "ne peux pas payer", "chômage", "no puedo pagar", "paro", "non posso pagare", "kan niet betalen", "werkloos", "não consigo pagar", "desempregad", "nie mogę zapłacić", "bezrobotn", "kan inte betala", "arbetslös", "kan ikke betale", "arbejdsløs", "arbeidsledig", "en pysty maksamaan", "työtön", "nemůžu zaplatit", "не могу платить", "не можу платити", "لا أستطيع الدفع", "払えない", "낼 수 없", "付不起", "tidak bisa bayar", "không thể trả"],
  customer_request: ["human", "real person", "agent", "representative", "mensch", "mitarbeiter", "echte person", "humain", "conseiller", "vraie personne", "persona real", "humano", "operatore", "persona vera", "medewerker", "echt persoon", "pessoa real", "atendente", "człowiek", "konsultant", "människa", "handläggare", "menneske", "medarbejder", "ihminen", "asiakaspalvelija", "člověk", "operátor", "человек", "оператор", "людин", "إنسان", "موظف", "נציג", "इंसान", "人間", "担当者", "상담원", "人工", "真人", "manusia", "nhân viên", "พนักงาน"],
  complaint: ["complaint", "complain", "beschwerde", "réclamation", "plainte", "queja", "reclamación", "reclamo", "klacht", "reclamação", "skarga", "reklamacj", "klagomål", "klage", "valitus", "stížnost", "жалоб", "скарг", "شكوى", "תלונה", "शिकायत", "苦情", "불만", "投诉", "keluhan", "khiếu nại", "ร้องเรียน"],
};

/** "I am connecting you with a colleague", by language; English when a language is missing. */
export const HANDOFF_LINES: Record<string, string> = {
  en: "I'm connecting you with a colleague who can help with this personally.",
  de: "Ich verbinde Sie mit einer Kollegin oder einem Kollegen, die Ihnen persönlich weiterhelfen.",
  fr: "Je vous mets en relation avec un conseiller qui pourra vous aider personnellement.",
  es: "Le paso con un compañero que podrá ayudarle personalmente.",
  it: "La metto in contatto con un collega che potrà aiutarla personalmente.",
  nl: "Ik verbind u door met een collega die u persoonlijk kan helpen.",
  pt: "Vou transferi-lo para um colega que o poderá ajudar pessoalmente.",
  pl: "Łączę Pana/Panią z konsultantem, który pomoże osobiście.",
  sv: "Jag kopplar dig till en kollega som kan hjälpa dig personligen.",
  da: "Jeg sætter dig i forbindelse med en kollega, der kan hjælpe dig personligt.",
  nb: "Jeg setter deg over til en kollega som kan hjelpe deg personlig.",
  fi: "Yhdistän sinut kollegalle, joka voi auttaa sinua henkilökohtaisesti.",
};

/** "Here is what our help centre says", by language. */
export const ANSWER_LEADS: Record<string, string> = {
  en: "Here is what our help centre says",
  de: "Dazu steht in unserem Hilfe-Center",
  fr: "Voici ce qu'indique notre centre d'aide",
  es: "Esto es lo que indica nuestro centro de ayuda",
  it: "Ecco cosa dice il nostro centro assistenza",
  nl: "Dit staat er in ons helpcentrum",
  pt: "Eis o que diz a nossa central de ajuda",
  pl: "Oto co mówi nasze centrum pomocy",
  sv: "Så här står det i vårt hjälpcenter",
  da: "Her er, hvad vores hjælpecenter siger",
  nb: "Dette står i hjelpesenteret vårt",
  fi: "Ohjekeskuksessamme kerrotaan näin",
};
