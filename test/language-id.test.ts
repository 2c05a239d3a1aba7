import { describe, expect, it } from "vitest";
import {
  acceptedLanguages,
  createLanguageIdentifier,
  detectLanguage,
  isReplyInLanguage,
  LanguageCheck,
  LanguageDetection,
  SUPPORTED_LANGUAGES,
  stripNonLinguistic,
  toPrimarySubtag,
} from "../src/graders/language-id.js";

// Replies written for this test and kept out of bench/langid-samples.ts, on which the settings were
// tuned, so that they check the grader on text it was not fitted to.
const HELD_OUT: Readonly<Record<string, readonly [string, string]>> = {
  en: [
    "Thanks for your patience, Mark. I've asked the warehouse to check the parcel and will email you an update tomorrow.",
    "Your invoice for March is attached; you can also download it from the Orders page in your account.",
  ],
  de: [
    "Danke für Ihre Geduld, Herr Schulz. Ich habe das Lager gebeten, die Sendung zu prüfen, und melde mich morgen per E-Mail.",
    "Die Rechnung für März finden Sie im Anhang; Sie können sie auch in Ihrem Kundenkonto unter „Bestellungen“ herunterladen.",
  ],
  fr: [
    "Merci pour votre patience, Monsieur Dubois. J'ai demandé à l'entrepôt de vérifier le colis et je vous écrirai demain.",
    "Vous trouverez la facture de mars en pièce jointe ; elle est aussi disponible dans votre espace client, rubrique Commandes.",
  ],
  es: [
    "Gracias por tu paciencia, Javier. He pedido al almacén que revise el paquete y mañana te escribo con novedades.",
    "Te adjunto la factura de marzo; también puedes descargarla desde la sección Pedidos de tu cuenta.",
  ],
  it: [
    "Grazie per la pazienza, Marco. Ho chiesto al magazzino di controllare il pacco e domani ti scrivo con un aggiornamento.",
    "In allegato trovi la fattura di marzo; puoi scaricarla anche dalla sezione Ordini del tuo account.",
  ],
  nl: [
    "Bedankt voor je geduld, Daan. Ik heb het magazijn gevraagd het pakket te controleren en mail je morgen een update.",
    "De factuur van maart zit in de bijlage; je kunt hem ook downloaden via Bestellingen in je account.",
  ],
  pt: [
    "Obrigado pela paciência, João. Pedi ao armazém para verificar a encomenda e amanhã envio-lhe uma atualização por e-mail.",
    "Segue em anexo a fatura de março; também pode descarregá-la na secção Encomendas da sua conta.",
  ],
  pl: [
    "Dziękuję za cierpliwość, Panie Tomaszu. Poprosiłem magazyn o sprawdzenie paczki i jutro wyślę e-mail z informacją.",
    "Fakturę za marzec przesyłam w załączniku; można ją też pobrać w zakładce Zamówienia na koncie.",
  ],
  sv: [
    "Tack för ditt tålamod, Johan. Jag har bett lagret att kontrollera paketet och mejlar dig en uppdatering i morgon.",
    "Fakturan för mars finns i bilagan, och du kan även ladda ner den under Beställningar på ditt konto.",
  ],
  da: [
    "Tak for din tålmodighed, Søren. Jeg har bedt lageret om at tjekke pakken og sender dig en opdatering i morgen.",
    "Fakturaen for marts er vedhæftet, og du kan også hente den under Ordrer på din konto.",
  ],
  nb: [
    "Takk for tålmodigheten, Lars. Jeg har bedt lageret om å sjekke pakken, og sender deg en oppdatering i morgen.",
    "Fakturaen for mars ligger vedlagt, og du kan også laste den ned under Bestillinger på kontoen din.",
  ],
  fi: [
    "Kiitos kärsivällisyydestäsi, Mikko. Pyysin varastoa tarkistamaan paketin ja lähetän sinulle huomenna päivityksen sähköpostitse.",
    "Maaliskuun lasku on liitteenä, ja voit ladata sen myös tilisi Tilaukset-osiosta.",
  ],
  cs: [
    "Děkuji za trpělivost, pane Dvořáku. Požádal jsem sklad o kontrolu balíku a zítra vám pošlu e-mail s novinkami.",
    "Fakturu za březen najdete v příloze; stáhnout si ji můžete také v sekci Objednávky ve svém účtu.",
  ],
  ro: [
    "Vă mulțumim pentru răbdare, domnule Ionescu. Am rugat depozitul să verifice coletul și vă scriu mâine cu noutăți.",
    "Factura pentru martie este atașată; o puteți descărca și din secțiunea Comenzi a contului dumneavoastră.",
  ],
  hu: [
    "Köszönöm a türelmét, Péter. Megkértem a raktárt, hogy ellenőrizze a csomagot, és holnap e-mailben jelentkezem.",
    "A márciusi számlát csatoltam, de a fiókjában a Rendelések menüpontból is letöltheti.",
  ],
  el: [
    "Σας ευχαριστώ για την υπομονή σας, κύριε Γεωργίου. Ζήτησα από την αποθήκη να ελέγξει το δέμα και θα σας ενημερώσω αύριο.",
    "Σας επισυνάπτω το τιμολόγιο του Μαρτίου· μπορείτε επίσης να το κατεβάσετε από την ενότητα Παραγγελίες.",
  ],
  tr: [
    "Sabrınız için teşekkür ederim Ahmet Bey. Depodan paketi kontrol etmelerini istedim, yarın size e-postayla bilgi vereceğim.",
    "Mart ayı faturanız ekte; ayrıca hesabınızdaki Siparişlerim bölümünden de indirebilirsiniz.",
  ],
  ru: [
    "Спасибо за терпение, Дмитрий. Я попросил склад проверить посылку и завтра напишу вам по электронной почте.",
    "Счёт за март приложен к письму; его также можно скачать в разделе «Заказы» в личном кабинете.",
  ],
  uk: [
    "Дякую за терпіння, Андрію. Я попросив склад перевірити посилку і завтра напишу вам електронною поштою.",
    "Рахунок за березень додано до листа; його також можна завантажити в розділі «Замовлення» особистого кабінету.",
  ],
  ar: [
    "شكراً لصبرك يا أحمد. طلبت من المستودع فحص الطرد، وسأرسل إليك تحديثاً عبر البريد الإلكتروني غداً.",
    "مرفق فاتورة شهر مارس، ويمكنك أيضاً تنزيلها من قسم الطلبات في حسابك.",
  ],
  he: [
    "תודה על הסבלנות, יוסי. ביקשתי מהמחסן לבדוק את החבילה ואעדכן אותך במייל מחר.",
    "החשבונית לחודש מרץ מצורפת, ואפשר גם להוריד אותה מאזור ההזמנות בחשבון שלך.",
  ],
  hi: [
    "धैर्य रखने के लिए धन्यवाद, राहुल जी। मैंने गोदाम से पार्सल की जाँच करने को कहा है और कल आपको ईमेल से जानकारी दूँगा।",
    "मार्च का बिल संलग्न है; आप इसे अपने खाते के ऑर्डर सेक्शन से भी डाउनलोड कर सकते हैं।",
  ],
  ja: [
    "お待たせしており申し訳ございません。倉庫に荷物の確認を依頼しましたので、明日メールでご連絡いたします。",
    "3月分の請求書を添付いたしました。マイページの注文履歴からもダウンロードいただけます。",
  ],
  ko: [
    "기다려 주셔서 감사합니다. 창고에 상품 확인을 요청했으며 내일 이메일로 안내해 드리겠습니다.",
    "3월 청구서를 첨부해 드렸습니다. 마이페이지의 주문 내역에서도 다운로드하실 수 있습니다.",
  ],
  zh: [
    "感谢您的耐心等待。我已请仓库核查包裹，明天会通过邮件通知您最新进展。",
    "三月份的发票已附上，您也可以在账户的订单页面下载。",
  ],
  id: [
    "Terima kasih atas kesabarannya, Pak Budi. Saya sudah meminta gudang untuk mengecek paketnya dan besok saya kabari lewat email.",
    "Faktur bulan Maret terlampir; Anda juga bisa mengunduhnya di menu Pesanan pada akun Anda.",
  ],
  vi: [
    "Cảm ơn anh đã kiên nhẫn chờ đợi. Em đã nhờ kho kiểm tra lại kiện hàng và ngày mai sẽ gửi email cập nhật cho anh.",
    "Hóa đơn tháng Ba được đính kèm; anh cũng có thể tải xuống trong mục Đơn hàng của tài khoản.",
  ],
  th: [
    "ขอบคุณที่รอนะคะ ได้ให้คลังสินค้าตรวจสอบพัสดุแล้ว พรุ่งนี้จะแจ้งความคืบหน้าทางอีเมลค่ะ",
    "แนบใบแจ้งหนี้ประจำเดือนมีนาคมมาให้แล้วค่ะ สามารถดาวน์โหลดได้จากเมนูคำสั่งซื้อในบัญชีของคุณ",
  ],
  ms: [
    "Terima kasih atas kesabaran anda, Encik Hafiz. Saya telah meminta pihak gudang menyemak bungkusan itu dan akan menghantar e-mel esok.",
    "Invois bagi bulan Mac dilampirkan; anda juga boleh memuat turunnya di bahagian Pesanan dalam akaun anda.",
  ],
  fil: [
    "Salamat sa iyong pasensya, Juan. Hiniling ko na sa bodega na suriin ang package at magpapadala ako ng update bukas.",
    "Nakalakip ang invoice para sa Marso; puwede mo rin itong i-download sa seksyong Mga Order ng iyong account.",
  ],
  bg: [
    "Благодаря за търпението, Георги. Помолих склада да провери пратката и утре ще ви пиша по имейл.",
    "Фактурата за март е прикачена; можете да я изтеглите и от раздел „Поръчки“ в профила си.",
  ],
  hr: [
    "Hvala na strpljenju, Marko. Zamolio sam skladište da provjeri paket i sutra ću vam se javiti e-poštom.",
    "Račun za ožujak nalazi se u privitku; možete ga preuzeti i u odjeljku Narudžbe na svom računu.",
  ],
  sk: [
    "Ďakujem za trpezlivosť, pán Horváth. Požiadal som sklad, aby skontroloval balík, a zajtra vám pošlem e-mail.",
    "Faktúru za marec nájdete v prílohe; stiahnuť si ju môžete aj v sekcii Objednávky vo svojom účte.",
  ],
  sl: [
    "Hvala za potrpežljivost, Luka. Skladišče sem prosil, naj preveri paket, in jutri vam pišem po e-pošti.",
    "Račun za marec je v prilogi; prenesete ga lahko tudi v razdelku Naročila v svojem računu.",
  ],
  lt: [
    "Ačiū už kantrybę, Tomai. Paprašiau sandėlio patikrinti siuntą ir rytoj parašysiu jums el. laišką.",
    "Kovo mėnesio sąskaita pridėta; ją taip pat galite atsisiųsti savo paskyros skiltyje „Užsakymai“.",
  ],
  et: [
    "Aitäh kannatlikkuse eest, Martin. Palusin laol paki üle kontrollida ja saadan teile homme e-kirja.",
    "Märtsi arve on lisatud; saate selle alla laadida ka oma konto jaotisest Tellimused.",
  ],
  lv: [
    "Paldies par pacietību, Jāni. Palūdzu noliktavai pārbaudīt sūtījumu, un rīt jums uzrakstīšu e-pastu.",
    "Marta rēķins ir pievienots; to var lejupielādēt arī sadaļā “Pasūtījumi” jūsu kontā.",
  ],
  ca: [
    "Gràcies per la paciència, Jordi. He demanat al magatzem que revisi el paquet i demà t'escriuré amb novetats.",
    "T'adjunto la factura de març; també la pots descarregar des de l'apartat Comandes del teu compte.",
  ],
};

const LANGUAGES = Object.keys(HELD_OUT);

/** The held-out replies of every language that does not count as `language`. */
function repliesInOtherLanguages(language: string): [string, string][] {
  return LANGUAGES.filter((other) => !acceptedLanguages(language).includes(other)).flatMap((other) =>
    (HELD_OUT[other] ?? []).map((text): [string, string] => [other, text]),
  );
}

describe("isReplyInLanguage", () => {
  it("has held-out replies for every suite language", () => {
    expect([...LANGUAGES].sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
  });

  it.each(LANGUAGES)("accepts replies written in %s", (language) => {
    for (const text of HELD_OUT[language] ?? []) {
      const check = isReplyInLanguage(text, language);
      expect(check, text).toMatchObject({ ok: true });
      expect(acceptedLanguages(language)).toContain(check.detected);
    }
  });

  it.each(LANGUAGES)("flags an English reply (German for English) to a %s customer", (language) => {
    const wrong = language === "en" ? "de" : "en";
    for (const text of HELD_OUT[wrong] ?? []) {
      expect(isReplyInLanguage(text, language), text).toMatchObject({
        ok: false,
        detected: wrong,
        reason: `written in ${wrong}, expected ${language}`,
      });
    }
  });

  it.each(LANGUAGES)("flags replies in every other suite language to a %s customer", (language) => {
    for (const [other, text] of repliesInOtherLanguages(language)) {
      const check = isReplyInLanguage(text, language);
      expect(check.ok, `${other} reply judged as ${language}: ${check.reason}`).toBe(false);
    }
  });

  it("flags a German reply to a French customer and a Russian reply to a Ukrainian one", () => {
    expect(isReplyInLanguage(HELD_OUT.de?.[0] ?? "", "fr")).toMatchObject({ ok: false, detected: "de" });
    expect(isReplyInLanguage(HELD_OUT.ru?.[0] ?? "", "uk")).toMatchObject({ ok: false, detected: "ru" });
  });

  it("accepts the languages of a group as each other, and only those", () => {
    expect(isReplyInLanguage(HELD_OUT.ms?.[0] ?? "", "id")).toMatchObject({
      ok: true,
      reason: "written in ms (accepted as id)",
    });
    expect(isReplyInLanguage(HELD_OUT.da?.[0] ?? "", "nb").ok).toBe(true);
    expect(isReplyInLanguage(HELD_OUT.nb?.[0] ?? "", "da").ok).toBe(true);
    expect(isReplyInLanguage(HELD_OUT.sv?.[0] ?? "", "nb").ok).toBe(false);
    expect(acceptedLanguages("nb")).toEqual(expect.arrayContaining(["nb", "nn", "da"]));
    expect(acceptedLanguages("de")).toEqual(["de"]);
  });

  it("takes region and script subtags as their language", () => {
    expect(isReplyInLanguage(HELD_OUT.pt?.[0] ?? "", "pt-BR").ok).toBe(true);
    expect(isReplyInLanguage(HELD_OUT.zh?.[0] ?? "", "zh-Hans").ok).toBe(true);
    expect(isReplyInLanguage(HELD_OUT.en?.[0] ?? "", "fil-PH").ok).toBe(false);
  });

  it.each([
    ["", "de"],
    ["OK", "en"],
    ["Danke!", "de"],
    ["Vielen Dank!", "de"],
    ["Merci beaucoup !", "fr"],
    ["O-7781", "de"],
    ["89,90 €", "de"],
    ["https://shop.example/track/O-7781", "en"],
    ["j.doe@example.com", "en"],
    ["はい", "ja"],
    ["谢谢您", "zh"],
    ["👍", "en"],
  ])("refuses to judge the very short text %j", (text, language) => {
    const check = isReplyInLanguage(text, language);
    expect(check).toMatchObject({ ok: null, detected: null });
    expect(check.reason).toMatch(/^too short to judge/);
    expect(detectLanguage(text)).toMatchObject({ language: null, method: "too-short" });
  });

  it("does not judge a language the identifier was not given, unless asked to", () => {
    const icelandic = "Takk fyrir að hafa samband við okkur. Pöntunin þín er á leiðinni og kemur á fimmtudaginn.";
    const check = isReplyInLanguage(HELD_OUT.en?.[0] ?? "", "is");
    expect(check.ok).toBeNull();
    expect(check.reason).toMatch(/not among the languages/);
    const withIcelandic = createLanguageIdentifier({ languages: [...SUPPORTED_LANGUAGES, "is"] });
    expect(withIcelandic.check(icelandic, "is").ok).toBe(true);
    expect(withIcelandic.check(HELD_OUT.en?.[0] ?? "", "is").ok).toBe(false);
  });

  it("returns values that satisfy its schema", () => {
    for (const [text, language] of [
      [HELD_OUT.de?.[0] ?? "", "de"],
      [HELD_OUT.de?.[0] ?? "", "en"],
      ["Danke!", "de"],
    ] as const) {
      expect(() => LanguageCheck.parse(isReplyInLanguage(text, language))).not.toThrow();
      expect(() => LanguageDetection.parse(detectLanguage(text))).not.toThrow();
    }
  });
});

describe("detectLanguage", () => {
  it("ignores ids, amounts, e-mails and URLs around a short reply", () => {
    const text =
      "Erstattung 89,90 € für O-7781 veranlasst, Beleg an m.becker@example.de, Status: https://shop.example/o/7781";
    expect(detectLanguage(text)).toMatchObject({ language: "de", method: "ngram" });
  });

  it.each([
    ["ご注文O-7781の商品は明日発送いたします。", "ja"],
    ["「Blue Jacket」は現在在庫切れですが、来週入荷予定です。", "ja"],
    ["주문하신 상품은 내일 발송됩니다.", "ko"],
    ["您的订单明天发货，请注意查收。", "zh"],
    ["Η παραγγελία σας θα αποσταλεί αύριο.", "el"],
    ["ההזמנה שלך תישלח מחר.", "he"],
    ["คำสั่งซื้อของคุณจะจัดส่งพรุ่งนี้ค่ะ", "th"],
    ["Đơn hàng của chị sẽ được gửi vào ngày mai.", "vi"],
  ])("lets the script decide %j", (text, language) => {
    expect(detectLanguage(text)).toMatchObject({ language, method: "script", confidence: 1 });
  });

  it("leaves shared scripts to the n-gram model and reports its runners-up", () => {
    const result = detectLanguage(HELD_OUT.sk?.[1] ?? "");
    expect(result).toMatchObject({ language: "sk", method: "ngram" });
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThan(1);
    expect(result.candidates[0]?.language).toBe("sk");
    expect(result.candidates.map((candidate) => candidate.language)).toContain("cs");
  });

  it("tells ru, uk and bg apart by letters their alphabets lack", () => {
    // Short Cyrillic texts where eld's scores for the three lie within a few per cent.
    expect(detectLanguage("Вы получите письмо с номером заказа.").language).toBe("ru");
    expect(detectLanguage("Ви отримаєте лист із номером замовлення.").language).toBe("uk");
    expect(detectLanguage("Ще получите имейл с номера на поръчката.").language).toBe("bg");
  });
});

describe("stripNonLinguistic", () => {
  it.each([
    ["Ich habe 89,90 € für O-7781 erstattet.", "Ich habe für erstattet."],
    ["Refund of $1,249.00 (order #48213) sent to j.doe@example.com", "Refund of order sent to"],
    ["Track it at https://track.example/abc?id=9 or www.example.com/x now", "Track it at or now"],
    ["Zwrot 89,90 zł oraz 899 Kč i 4500 Ft", "Zwrot oraz i"],
    ["ご注文O-7781について、8,990円を返金しました。", "ご注文 について、 を返金しました。"],
    ["RMA-2231 and A1B2C3 and RM45.00 and R$ 89,90", "and and and"],
  ])("strips %j", (text, expected) => {
    expect(stripNonLinguistic(text)).toBe(expected);
  });
});

describe("toPrimarySubtag", () => {
  it.each([
    ["de", "de"],
    ["pt-BR", "pt"],
    ["zh_Hant", "zh"],
    ["deu", "de"],
    ["arb", "ar"],
    ["cmn", "zh"],
    ["zlm", "ms"],
    ["ekk", "et"],
    ["lvs", "lv"],
    ["nob", "nb"],
    ["no", "nb"],
    ["tl", "fil"],
    ["tgl", "fil"],
    ["iw", "he"],
    ["xyz", "xyz"],
  ])("maps %s to %s", (code, tag) => {
    expect(toPrimarySubtag(code)).toBe(tag);
  });
});
