/** Words by which a bot asks for a slot the customer `knows`, across the suites' languages. */
export const SLOT_CUES: Record<string, string[]> = {
  order_id: ["order", "bestell", "commande", "pedido", "ordine", "bestelling", "encomenda", "zamówien", "beställning", "ordre", "bestilling", "tilaus", "objednáv", "comand", "rendelés", "παραγγελ", "sipariş", "заказ", "замовлен", "поръчк", "narudžb", "naroč", "užsakym", "tellimus", "pasūtījum", "comanda", "طلب", "הזמנה", "ऑर्डर", "注文", "주문", "订单", "pesanan", "đơn hàng", "คำสั่งซื้อ", "order number"],
  email: ["e-mail", "email", "courriel", "correo", "e-post", "sähköpost", "e-mailadres", "почт", "پست", "אימייל", "ईमेल", "メール", "이메일", "邮箱", "電子郵件", "البريد", "surel", "อีเมล"],
  date_of_birth: ["birth", "geburt", "naissance", "nacimiento", "nascita", "geboorte", "nascimento", "urodzenia", "födelse", "fødsels", "syntymä", "narození", "naștere", "születési", "γέννησ", "doğum", "рождени", "народжен", "раждане", "rođenja", "narodenia", "rojstva", "gimimo", "sünni", "dzimšanas", "naixement", "الميلاد", "לידה", "जन्म", "生年月日", "생년월일", "出生", "lahir", "ngày sinh", "เกิด", "kapanganakan"],
  postcode: ["postcode", "postal", "zip", "postleitzahl", "plz", "code postal", "código postal", "cap", "postcode", "kod pocztowy", "postnummer", "postinumero", "psč", "poștal", "irányítószám", "ταχυδρομικ", "posta kodu", "индекс", "індекс", "пощенски", "poštanski", "poštn", "pašto kod", "postiindeks", "pasta indekss", "الرمز البريدي", "מיקוד", "पिन", "郵便番号", "우편번호", "邮编", "kode pos", "mã bưu", "รหัสไปรษณีย์", "poskod"],
  phone: ["phone", "telefon", "téléphone", "teléfono", "telefono", "telefoon", "puhelin", "телефон", "هاتف", "טלפון", "फ़ोन", "電話", "전화", "电话", "điện thoại", "โทรศัพท์"],
  customer_id: ["customer number", "customer id", "kundennummer", "numéro client", "número de cliente", "codice cliente", "klantnummer", "kundnummer", "kundenummer", "asiakasnumero"],
  plan_id: ["plan number", "plan id", "ratenplan", "plan de paiement", "plan de pago", "piano di pagamento", "betalingsplan", "betalplan"],
  card_last4: ["last four", "last 4", "letzten vier", "quatre derniers", "últimos cuatro", "ultime quattro", "laatste vier", "sista fyra", "sidste fire", "siste fire", "neljä viimeistä"],
  name: ["your name", "full name", "ihr name", "votre nom", "su nombre", "il suo nome", "uw naam", "ditt namn", "dit navn", "nimesi"],
  address: ["address", "adresse", "dirección", "indirizzo", "adres", "endereço", "adress", "osoite", "adresa", "cím", "адрес", "عنوان", "כתובת", "पता", "住所", "주소", "地址", "alamat", "địa chỉ", "ที่อยู่"],
};

/** Does this bot text ask the customer something (a question, or a request for details)? */
export function isAsking(text: string): boolean {
  return /[?？؟;]/.test(text) || /\b(please|bitte|s'il vous plaît|por favor|per favore|alstublieft|proszę|vänligen|venligst|vennligst|ole hyvä)\b/i.test(text);
}

/** The slots a bot text asks about, among those the customer knows. */
export function askedSlots(text: string, known: string[]): string[] {
  const lower = text.toLowerCase();
  return known.filter((slot) => (SLOT_CUES[slot] ?? [slot.replace(/_/g, " ")]).some((cue) => lower.includes(cue.toLowerCase())));
}
