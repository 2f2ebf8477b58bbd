//! Every string a buyer reads, in one table per language so translations are a new table,
//! not a hunt through components. `{n}`, `{email}`… are filled in by `fill`.

use tessera_core::{Field, Problem};

pub struct Texts {
    pub loading: &'static str,
    pub events_heading: &'static str,
    pub no_events: &'static str,
    pub from_price: &'static str,
    pub view_tickets: &'static str,
    pub back_to_events: &'static str,
    pub choose_tickets: &'static str,
    pub sold_out: &'static str,
    pub few_left: &'static str,
    pub left: &'static str,
    pub quantity: &'static str,
    pub decrease: &'static str,
    pub increase: &'static str,
    pub quantity_hint: &'static str,
    pub your_details: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub optional: &'static str,
    pub order_summary: &'static str,
    pub total: &'static str,
    pub checkout: &'static str,
    pub checkout_pending: &'static str,
    pub pick_a_tier: &'static str,
    pub not_on_sale: &'static str,
    pub all_sold_out: &'static str,
    pub fix_fields: &'static str,
    pub err_unreachable: &'static str,
    pub err_not_found: &'static str,
    pub err_sold_out: &'static str,
    pub err_busy: &'static str,
    pub err_rate_limited: &'static str,
    pub err_unavailable: &'static str,
    pub err_generic: &'static str,
    pub retry: &'static str,
    pub paid_title: &'static str,
    pub paid_body: &'static str,
    pub paid_body_generic: &'static str,
    pub cancelled_title: &'static str,
    pub cancelled_body: &'static str,
    pub dismiss: &'static str,
    pub field_missing: &'static str,
    pub field_invalid_email: &'static str,
    pub field_invalid_phone: &'static str,
    pub field_invalid: &'static str,
    pub field_too_long: &'static str,
    pub qty_min: &'static str,
    pub qty_max: &'static str,
    pub qty_available: &'static str,
    pub tier_sold_out: &'static str,
    pub tier_unknown: &'static str,
    pub promo_toggle: &'static str,
    pub promo_label: &'static str,
    pub promo_apply: &'static str,
    pub promo_applying: &'static str,
    pub promo_remove: &'static str,
    pub promo_applied: &'static str,
    pub promo_unknown: &'static str,
    pub promo_expired: &'static str,
    pub promo_used_up: &'static str,
    pub promo_inactive: &'static str,
    pub promo_too_short: &'static str,
    pub promo_invalid: &'static str,
    pub discount: &'static str,
    pub live_left: &'static str,
    pub live_sold_out: &'static str,
    pub live_pick_another: &'static str,
    pub live_lowered: &'static str,
    pub stale: &'static str,
    pub event_cancelled: &'static str,
    pub sale_opens: &'static str,
    pub off_sale: &'static str,
    pub quantity_range: &'static str,
    pub sold_on: &'static str,
    pub finish_there: &'static str,
    pub continue_on: &'static str,
    pub resold: &'static str,
    /// Whether a field's label is lower-cased when it fills `{field}` in `field_missing`
    /// ("Please enter your full name."). False where nouns keep their capitals (German).
    pub lowercase_field: bool,
}

pub const EN: Texts = Texts {
    loading: "Loading tickets…",
    events_heading: "Upcoming events",
    no_events: "There are no events on sale right now.",
    from_price: "From {price}",
    view_tickets: "Choose your tickets for {title}",
    back_to_events: "All events",
    choose_tickets: "Choose your tickets",
    sold_out: "Sold out",
    few_left: "Only {n} left",
    left: "{n} left",
    quantity: "Quantity",
    decrease: "Fewer tickets",
    increase: "More tickets",
    quantity_hint: "Up to {n} per order",
    your_details: "Your details",
    name: "Full name",
    email: "Email",
    phone: "Phone",
    optional: "optional",
    order_summary: "Order summary",
    total: "Total",
    checkout: "Continue to payment",
    checkout_pending: "Starting checkout…",
    pick_a_tier: "Choose a ticket type to continue.",
    not_on_sale: "Tickets for this event are not on sale.",
    all_sold_out: "This event is sold out.",
    fix_fields: "Please check the highlighted fields.",
    err_unreachable: "We can't reach the ticket service. Check your connection and try again.",
    err_not_found: "This event could not be found. It may have been removed.",
    err_sold_out:
        "Sorry, those tickets just sold out. Availability has been updated: choose fewer tickets or another type.",
    err_busy: "The ticket service is busy. Please try again in {n} seconds.",
    err_rate_limited: "Too many requests from this device. Please wait {n} seconds and try again.",
    err_unavailable: "The ticket service is not responding. Please try again in a moment.",
    err_generic: "Something went wrong. Please try again.",
    retry: "Try again",
    paid_title: "Payment complete: you're going!",
    paid_body: "{quantity} × {tier} for {event}. Your tickets are on their way to {email}.",
    paid_body_generic: "Your tickets are on their way to your email.",
    cancelled_title: "Payment cancelled",
    cancelled_body: "No money was taken. Your selection is still here if you'd like to try again.",
    dismiss: "Done",
    field_missing: "Please enter your {field}.",
    field_invalid_email: "Enter an email address like name@example.com.",
    field_invalid_phone: "Enter a phone number with 6 to 15 digits, or leave it empty.",
    field_invalid: "This doesn't look right.",
    field_too_long: "Use at most {n} characters.",
    qty_min: "Choose at least 1 ticket.",
    qty_max: "You can buy up to {n} tickets per order.",
    qty_available: "Only {n} left in this ticket type.",
    tier_sold_out: "This ticket type is sold out.",
    tier_unknown: "Choose a ticket type.",
    promo_toggle: "Have a promo code?",
    promo_label: "Promo code",
    promo_apply: "Apply",
    promo_applying: "Checking…",
    promo_remove: "Remove",
    promo_applied: "{code} applied: {off} off.",
    promo_unknown: "This code isn't valid for this event. Check it and try again.",
    promo_expired: "This code has expired.",
    promo_used_up: "This code has been used up.",
    promo_inactive: "This code is no longer active.",
    promo_too_short: "Promo codes have at least 3 characters.",
    promo_invalid: "Promo codes use only letters, digits, - and _.",
    discount: "Discount ({code})",
    live_left: "{tier}: {n} left now.",
    live_sold_out: "{tier} just sold out.",
    live_pick_another: "{tier} just sold out. Please choose another ticket type.",
    live_lowered: "Only {n} {tier} left now, so your quantity is now {n}.",
    stale: "Availability may be out of date: we can't reach the ticketing platform right now.",
    event_cancelled: "This event has been cancelled.",
    sale_opens: "Sale opens {when}",
    off_sale: "Not on sale",
    quantity_range: "{min} to {n} per order",
    sold_on: "Tickets for this event are sold on {platform}.",
    finish_there: "You'll finish your purchase there.",
    continue_on: "Continue on {platform}",
    resold: "Tickets resold on {platform}: {n}",
    lowercase_field: true,
};

/// Spanish as written in Spain (tú), kept free of Spain-only words so it also reads well in
/// the Americas. Ticket counts that can be 1 sit after a colon or behind "hay", never after
/// a plural verb.
pub const ES: Texts = Texts {
    loading: "Cargando entradas…",
    events_heading: "Próximos eventos",
    no_events: "Ahora mismo no hay eventos a la venta.",
    from_price: "Desde {price}",
    view_tickets: "Elige tus entradas para {title}",
    back_to_events: "Todos los eventos",
    choose_tickets: "Elige tus entradas",
    sold_out: "Agotado",
    few_left: "Quedan pocas: {n}",
    left: "Quedan {n}",
    quantity: "Cantidad",
    decrease: "Menos entradas",
    increase: "Más entradas",
    quantity_hint: "Hasta {n} por pedido",
    your_details: "Tus datos",
    name: "Nombre completo",
    email: "Correo electrónico",
    phone: "Teléfono",
    optional: "opcional",
    order_summary: "Resumen del pedido",
    total: "Total",
    checkout: "Continuar al pago",
    checkout_pending: "Preparando el pago…",
    pick_a_tier: "Elige un tipo de entrada para continuar.",
    not_on_sale: "Las entradas para este evento no están a la venta.",
    all_sold_out: "Este evento está agotado.",
    fix_fields: "Revisa los campos marcados.",
    err_unreachable: "No podemos conectar con el servicio de entradas. Comprueba tu conexión e inténtalo de nuevo.",
    err_not_found: "No hemos encontrado este evento. Puede que se haya retirado.",
    err_sold_out: "Lo sentimos, esas entradas se acaban de agotar. Hemos actualizado la disponibilidad: elige menos entradas u otro tipo.",
    err_busy: "El servicio de entradas está saturado. Inténtalo de nuevo en {n} segundos.",
    err_rate_limited: "Demasiadas solicitudes desde este dispositivo. Espera {n} segundos e inténtalo de nuevo.",
    err_unavailable: "El servicio de entradas no responde. Inténtalo de nuevo en unos momentos.",
    err_generic: "Algo ha salido mal. Inténtalo de nuevo.",
    retry: "Reintentar",
    paid_title: "Pago completado: ¡ya tienes tus entradas!",
    paid_body: "{quantity} × {tier} para {event}. Tus entradas están de camino a {email}.",
    paid_body_generic: "Tus entradas están de camino a tu correo.",
    cancelled_title: "Pago cancelado",
    cancelled_body: "No se ha hecho ningún cargo. Tu selección sigue aquí por si quieres volver a intentarlo.",
    dismiss: "Cerrar",
    field_missing: "Introduce tu {field}.",
    field_invalid_email: "Introduce un correo como nombre@example.com.",
    field_invalid_phone: "Introduce un teléfono de 6 a 15 dígitos o déjalo en blanco.",
    field_invalid: "Esto no parece correcto.",
    field_too_long: "Usa como máximo {n} caracteres.",
    qty_min: "Elige al menos 1 entrada.",
    qty_max: "Puedes comprar hasta {n} entradas por pedido.",
    qty_available: "Solo hay {n} de este tipo de entrada.",
    tier_sold_out: "Este tipo de entrada está agotado.",
    tier_unknown: "Elige un tipo de entrada.",
    promo_toggle: "¿Tienes un código promocional?",
    promo_label: "Código promocional",
    promo_apply: "Aplicar",
    promo_applying: "Comprobando…",
    promo_remove: "Quitar",
    promo_applied: "{code} aplicado: {off} de descuento.",
    promo_unknown: "Este código no es válido para este evento. Revísalo e inténtalo de nuevo.",
    promo_expired: "Este código ha caducado.",
    promo_used_up: "Este código ya se ha agotado.",
    promo_inactive: "Este código ya no está activo.",
    promo_too_short: "Los códigos promocionales tienen al menos 3 caracteres.",
    promo_invalid: "Los códigos promocionales solo llevan letras, números, - y _.",
    discount: "Descuento ({code})",
    live_left: "Disponibles ahora en {tier}: {n}.",
    live_sold_out: "{tier} se acaba de agotar.",
    live_pick_another: "{tier} se acaba de agotar. Elige otro tipo de entrada.",
    live_lowered: "{tier}: ya solo hay {n}, así que hemos ajustado tu cantidad a {n}.",
    stale: "Puede que la disponibilidad no esté actualizada: ahora mismo no podemos conectar con la plataforma de entradas.",
    event_cancelled: "Este evento se ha cancelado.",
    sale_opens: "Se pone a la venta: {when}",
    off_sale: "No está a la venta",
    quantity_range: "De {min} a {n} por pedido",
    sold_on: "Las entradas para este evento se venden en {platform}.",
    finish_there: "Terminarás la compra allí.",
    continue_on: "Continuar en {platform}",
    resold: "Entradas revendidas en {platform}: {n}",
    lowercase_field: true,
};

/// German, addressing the buyer as "Sie". Counts sit where German needs no verb agreement
/// ("nur noch {n}", "gibt es"). Field labels keep their capitals inside `field_missing`.
pub const DE: Texts = Texts {
    loading: "Tickets werden geladen…",
    events_heading: "Kommende Veranstaltungen",
    no_events: "Derzeit sind keine Veranstaltungen im Verkauf.",
    from_price: "Ab {price}",
    view_tickets: "Tickets für {title} auswählen",
    back_to_events: "Alle Veranstaltungen",
    choose_tickets: "Tickets auswählen",
    sold_out: "Ausverkauft",
    few_left: "Nur noch {n}",
    left: "Noch {n} verfügbar",
    quantity: "Anzahl",
    decrease: "Weniger Tickets",
    increase: "Mehr Tickets",
    quantity_hint: "Bis zu {n} pro Bestellung",
    your_details: "Ihre Angaben",
    name: "Vor- und Nachname",
    email: "E-Mail",
    phone: "Telefonnummer",
    optional: "optional",
    order_summary: "Bestellübersicht",
    total: "Gesamt",
    checkout: "Weiter zur Zahlung",
    checkout_pending: "Zahlung wird vorbereitet…",
    pick_a_tier: "Wählen Sie eine Ticketart, um fortzufahren.",
    not_on_sale: "Für diese Veranstaltung sind keine Tickets im Verkauf.",
    all_sold_out: "Diese Veranstaltung ist ausverkauft.",
    fix_fields: "Bitte prüfen Sie die markierten Felder.",
    err_unreachable: "Der Ticketservice ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    err_not_found: "Diese Veranstaltung wurde nicht gefunden. Möglicherweise wurde sie entfernt.",
    err_sold_out: "Diese Tickets sind leider inzwischen ausverkauft. Die Verfügbarkeit wurde aktualisiert: Wählen Sie weniger Tickets oder eine andere Ticketart.",
    err_busy: "Der Ticketservice ist gerade ausgelastet. Bitte versuchen Sie es in {n} Sekunden erneut.",
    err_rate_limited: "Zu viele Anfragen von diesem Gerät. Bitte warten Sie {n} Sekunden und versuchen Sie es dann erneut.",
    err_unavailable: "Der Ticketservice antwortet nicht. Bitte versuchen Sie es gleich noch einmal.",
    err_generic: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
    retry: "Erneut versuchen",
    paid_title: "Zahlung abgeschlossen: Sie sind dabei!",
    paid_body: "{quantity} × {tier} für {event}. Ihre Tickets werden an {email} gesendet.",
    paid_body_generic: "Ihre Tickets werden an Ihre E-Mail-Adresse gesendet.",
    cancelled_title: "Zahlung abgebrochen",
    cancelled_body: "Es wurde nichts abgebucht. Ihre Auswahl ist noch da, falls Sie es erneut versuchen möchten.",
    dismiss: "Schließen",
    field_missing: "Bitte füllen Sie „{field}“ aus.",
    field_invalid_email: "Geben Sie eine E-Mail-Adresse wie name@example.com ein.",
    field_invalid_phone: "Geben Sie eine Telefonnummer mit 6 bis 15 Ziffern ein oder lassen Sie das Feld leer.",
    field_invalid: "Bitte prüfen Sie diese Angabe.",
    field_too_long: "Bitte verwenden Sie höchstens {n} Zeichen.",
    qty_min: "Wählen Sie mindestens 1 Ticket.",
    qty_max: "Sie können bis zu {n} Tickets pro Bestellung kaufen.",
    qty_available: "Von dieser Ticketart gibt es nur noch {n}.",
    tier_sold_out: "Diese Ticketart ist ausverkauft.",
    tier_unknown: "Wählen Sie eine Ticketart.",
    promo_toggle: "Haben Sie einen Rabattcode?",
    promo_label: "Rabattcode",
    promo_apply: "Einlösen",
    promo_applying: "Wird geprüft…",
    promo_remove: "Entfernen",
    promo_applied: "{code} eingelöst: {off} Rabatt.",
    promo_unknown: "Dieser Code gilt nicht für diese Veranstaltung. Bitte prüfen Sie ihn und versuchen Sie es erneut.",
    promo_expired: "Dieser Code ist abgelaufen.",
    promo_used_up: "Dieser Code ist bereits aufgebraucht.",
    promo_inactive: "Dieser Code ist nicht mehr aktiv.",
    promo_too_short: "Rabattcodes haben mindestens 3 Zeichen.",
    promo_invalid: "Rabattcodes enthalten nur Buchstaben, Ziffern, - und _.",
    discount: "Rabatt ({code})",
    live_left: "{tier}: jetzt noch {n} verfügbar.",
    live_sold_out: "{tier} ist jetzt ausverkauft.",
    live_pick_another: "{tier} ist jetzt ausverkauft. Bitte wählen Sie eine andere Ticketart.",
    live_lowered: "{tier}: nur noch {n} verfügbar, daher wurde Ihre Anzahl auf {n} gesetzt.",
    stale: "Die Verfügbarkeit ist möglicherweise nicht aktuell: Die Ticketplattform ist gerade nicht erreichbar.",
    event_cancelled: "Diese Veranstaltung wurde abgesagt.",
    sale_opens: "Verkaufsstart: {when}",
    off_sale: "Nicht im Verkauf",
    quantity_range: "{min} bis {n} pro Bestellung",
    sold_on: "Tickets für diese Veranstaltung werden über {platform} verkauft.",
    finish_there: "Dort schließen Sie Ihren Kauf ab.",
    continue_on: "Weiter zu {platform}",
    resold: "Über {platform} weiterverkaufte Tickets: {n}",
    lowercase_field: false,
};

/// Brazilian Portuguese (você, "ingresso", "cupom"). Ticket counts that can be 1 sit after a
/// colon or behind "há", never after a plural verb.
pub const PT_BR: Texts = Texts {
    loading: "Carregando ingressos…",
    events_heading: "Próximos eventos",
    no_events: "Não há eventos à venda no momento.",
    from_price: "A partir de {price}",
    view_tickets: "Escolha seus ingressos para {title}",
    back_to_events: "Todos os eventos",
    choose_tickets: "Escolha seus ingressos",
    sold_out: "Esgotado",
    few_left: "Últimas unidades: {n}",
    left: "Restam {n}",
    quantity: "Quantidade",
    decrease: "Menos ingressos",
    increase: "Mais ingressos",
    quantity_hint: "Até {n} por pedido",
    your_details: "Seus dados",
    name: "Nome completo",
    email: "E-mail",
    phone: "Telefone",
    optional: "opcional",
    order_summary: "Resumo do pedido",
    total: "Total",
    checkout: "Ir para o pagamento",
    checkout_pending: "Preparando o pagamento…",
    pick_a_tier: "Escolha um tipo de ingresso para continuar.",
    not_on_sale: "Os ingressos para este evento não estão à venda.",
    all_sold_out: "Este evento está esgotado.",
    fix_fields: "Confira os campos destacados.",
    err_unreachable: "Não foi possível conectar ao serviço de ingressos. Verifique sua conexão e tente novamente.",
    err_not_found: "Não encontramos este evento. Ele pode ter sido removido.",
    err_sold_out: "Desculpe, esses ingressos acabaram de esgotar. A disponibilidade foi atualizada: escolha menos ingressos ou outro tipo.",
    err_busy: "O serviço de ingressos está sobrecarregado. Tente novamente em {n} segundos.",
    err_rate_limited: "Muitas solicitações deste dispositivo. Aguarde {n} segundos e tente novamente.",
    err_unavailable: "O serviço de ingressos não está respondendo. Tente novamente em instantes.",
    err_generic: "Algo deu errado. Tente novamente.",
    retry: "Tentar novamente",
    paid_title: "Pagamento concluído: presença garantida!",
    paid_body: "{quantity} × {tier} para {event}. Seus ingressos estão a caminho de {email}.",
    paid_body_generic: "Seus ingressos estão a caminho do seu e-mail.",
    cancelled_title: "Pagamento cancelado",
    cancelled_body: "Nenhum valor foi cobrado. Sua seleção continua aqui, caso queira tentar novamente.",
    dismiss: "Fechar",
    field_missing: "Informe seu {field}.",
    field_invalid_email: "Informe um e-mail como nome@example.com.",
    field_invalid_phone: "Informe um telefone com 6 a 15 dígitos ou deixe em branco.",
    field_invalid: "Confira este campo.",
    field_too_long: "Use no máximo {n} caracteres.",
    qty_min: "Escolha pelo menos 1 ingresso.",
    qty_max: "Você pode comprar até {n} ingressos por pedido.",
    qty_available: "Deste tipo de ingresso, só há {n}.",
    tier_sold_out: "Este tipo de ingresso está esgotado.",
    tier_unknown: "Escolha um tipo de ingresso.",
    promo_toggle: "Tem um cupom de desconto?",
    promo_label: "Cupom de desconto",
    promo_apply: "Aplicar",
    promo_applying: "Verificando…",
    promo_remove: "Remover",
    promo_applied: "{code} aplicado: {off} de desconto.",
    promo_unknown: "Este cupom não é válido para este evento. Confira e tente novamente.",
    promo_expired: "Este cupom expirou.",
    promo_used_up: "Este cupom já atingiu o limite de usos.",
    promo_inactive: "Este cupom não está mais ativo.",
    promo_too_short: "Cupons têm pelo menos 3 caracteres.",
    promo_invalid: "Cupons usam apenas letras, números, - e _.",
    discount: "Desconto ({code})",
    live_left: "Disponíveis agora em {tier}: {n}.",
    live_sold_out: "{tier} acabou de esgotar.",
    live_pick_another: "{tier} acabou de esgotar. Escolha outro tipo de ingresso.",
    live_lowered: "{tier}: agora só há {n}, então ajustamos sua quantidade para {n}.",
    stale: "A disponibilidade pode estar desatualizada: não conseguimos acessar a plataforma de ingressos no momento.",
    event_cancelled: "Este evento foi cancelado.",
    sale_opens: "Início das vendas: {when}",
    off_sale: "Não está à venda",
    quantity_range: "De {min} a {n} por pedido",
    sold_on: "Os ingressos para este evento são vendidos em {platform}.",
    finish_there: "Você vai concluir a compra lá.",
    continue_on: "Continuar em {platform}",
    resold: "Ingressos revendidos em {platform}: {n}",
    lowercase_field: true,
};

/// Filipino as Philippine online shops write it: Tagalog sentences that keep the English
/// words buyers already use there ("ticket", "Promo code", "Email", "sold out", "order").
pub const FIL: Texts = Texts {
    loading: "Nilo-load ang mga ticket…",
    events_heading: "Mga paparating na event",
    no_events: "Walang event na on sale sa ngayon.",
    from_price: "Mula {price}",
    view_tickets: "Pumili ng ticket para sa {title}",
    back_to_events: "Lahat ng event",
    choose_tickets: "Pumili ng ticket",
    sold_out: "Sold out",
    few_left: "{n} na lang ang natitira",
    left: "{n} ang natitira",
    quantity: "Dami",
    decrease: "Bawasan ang ticket",
    increase: "Dagdagan ang ticket",
    quantity_hint: "Hanggang {n} bawat order",
    your_details: "Iyong mga detalye",
    name: "Buong pangalan",
    email: "Email",
    phone: "Contact number",
    optional: "optional",
    order_summary: "Buod ng order",
    total: "Kabuuan",
    checkout: "Magpatuloy sa bayad",
    checkout_pending: "Inihahanda ang checkout…",
    pick_a_tier: "Pumili ng ticket type para makapagpatuloy.",
    not_on_sale: "Hindi on sale ang mga ticket para sa event na ito.",
    all_sold_out: "Sold out na ang event na ito.",
    fix_fields: "Pakitingnan ang mga naka-highlight na field.",
    err_unreachable: "Hindi ma-reach ang ticket service. I-check ang iyong connection at subukan ulit.",
    err_not_found: "Hindi mahanap ang event na ito. Baka tinanggal na ito.",
    err_sold_out: "Pasensya na, naubos na ang mga ticket na iyon. Na-update na ang availability: pumili ng mas kaunting ticket o ibang ticket type.",
    err_busy: "Busy ang ticket service. Pakisubukan ulit pagkalipas ng {n} segundo.",
    err_rate_limited: "Masyadong maraming request mula sa device na ito. Maghintay ng {n} segundo at subukan ulit.",
    err_unavailable: "Hindi sumasagot ang ticket service. Pakisubukan ulit maya-maya.",
    err_generic: "May nangyaring mali. Pakisubukan ulit.",
    retry: "Subukan ulit",
    paid_title: "Bayad na: kita-kits sa event!",
    paid_body: "{quantity} × {tier} para sa {event}. Ipinapadala na ang iyong mga ticket sa {email}.",
    paid_body_generic: "Ipinapadala na ang iyong mga ticket sa iyong email.",
    cancelled_title: "Na-cancel ang bayad",
    cancelled_body: "Walang nabawas na pera. Nandito pa rin ang napili mo kung gusto mong subukan ulit.",
    dismiss: "Sige",
    field_missing: "Pakilagay ang iyong {field}.",
    field_invalid_email: "Maglagay ng email address na tulad ng juan@example.com.",
    field_invalid_phone: "Maglagay ng number na may 6 hanggang 15 digit, o iwanan itong blangko.",
    field_invalid: "Mukhang may mali rito.",
    field_too_long: "Hanggang {n} character lang ang puwede.",
    qty_min: "Pumili ng kahit 1 ticket.",
    qty_max: "Hanggang {n} ticket lang ang puwedeng bilhin bawat order.",
    qty_available: "{n} na lang ang natitira sa ticket type na ito.",
    tier_sold_out: "Sold out na ang ticket type na ito.",
    tier_unknown: "Pumili ng ticket type.",
    promo_toggle: "May promo code ka?",
    promo_label: "Promo code",
    promo_apply: "I-apply",
    promo_applying: "Sinusuri…",
    promo_remove: "Alisin",
    promo_applied: "Na-apply ang {code}: {off} off.",
    promo_unknown: "Hindi valid ang code na ito para sa event na ito. I-check ito at subukan ulit.",
    promo_expired: "Expired na ang code na ito.",
    promo_used_up: "Naubos na ang code na ito.",
    promo_inactive: "Hindi na active ang code na ito.",
    promo_too_short: "Hindi bababa sa 3 character ang promo code.",
    promo_invalid: "Letters, numbers, - at _ lang ang puwede sa promo code.",
    discount: "Discount ({code})",
    live_left: "{tier}: {n} ang natitira ngayon.",
    live_sold_out: "Sold out na ang {tier}.",
    live_pick_another: "Sold out na ang {tier}. Pakipili ng ibang ticket type.",
    live_lowered: "{n} na lang ang natitirang {tier}, kaya {n} na rin ang ticket sa order mo.",
    stale: "Baka hindi updated ang availability: hindi namin ma-reach ang ticketing platform sa ngayon.",
    event_cancelled: "Na-cancel na ang event na ito.",
    sale_opens: "Magbubukas ang sale: {when}",
    off_sale: "Hindi on sale",
    quantity_range: "{min} hanggang {n} bawat order",
    sold_on: "Sa {platform} binebenta ang mga ticket para sa event na ito.",
    finish_there: "Doon mo tatapusin ang iyong pagbili.",
    continue_on: "Magpatuloy sa {platform}",
    resold: "Mga ticket na na-resell sa {platform}: {n}",
    lowercase_field: true,
};

/// The language table for a BCP 47 tag, chosen by its primary language subtag alone,
/// ignoring case (`_` is accepted as a separator too, as in `pt_BR`):
/// `es` → Spanish, `de` → German, `pt` → Brazilian Portuguese (for every region, `pt-PT`
/// included, since it is the only Portuguese), `fil` or `tl` → Filipino. Any other tag,
/// an empty one included, falls back to English.
pub fn texts(locale: &str) -> &'static Texts {
    let primary = locale.trim().split(['-', '_']).next().unwrap_or_default();
    let is = |code: &str| primary.eq_ignore_ascii_case(code);
    if is("es") {
        &ES
    } else if is("de") {
        &DE
    } else if is("pt") {
        &PT_BR
    } else if is("fil") || is("tl") {
        &FIL
    } else {
        &EN
    }
}

pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in pairs {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// A core validation problem as a sentence for the buyer.
pub fn problem(t: &Texts, field: Field, problem: Problem) -> String {
    let n = |n: u32| n.to_string();
    match (field, problem) {
        (Field::PromoCode, p) => match p {
            Problem::Expired => t.promo_expired,
            Problem::UsedUp => t.promo_used_up,
            Problem::Inactive => t.promo_inactive,
            Problem::BelowMinimum(_) => t.promo_too_short,
            Problem::Invalid | Problem::TooLong(_) => t.promo_invalid,
            _ => t.promo_unknown,
        }
        .into(),
        (Field::Quantity, Problem::BelowMinimum(_)) => t.qty_min.into(),
        (Field::Quantity, Problem::AboveMaximum(m)) => fill(t.qty_max, &[("n", &n(m))]),
        (Field::Quantity, Problem::AboveAvailability(a)) if a > 0 => fill(t.qty_available, &[("n", &n(a))]),
        (_, Problem::SoldOut) | (_, Problem::AboveAvailability(_)) => t.tier_sold_out.into(),
        (Field::TierId, _) => t.tier_unknown.into(),
        (_, Problem::NotOnSale) => t.not_on_sale.into(),
        (Field::Email, Problem::Invalid) => t.field_invalid_email.into(),
        (Field::Phone, Problem::Invalid) => t.field_invalid_phone.into(),
        (_, Problem::TooLong(m)) => fill(t.field_too_long, &[("n", &n(m))]),
        (f, Problem::Missing) => {
            let what = match f {
                Field::Name => t.name,
                Field::Email => t.email,
                Field::Phone => t.phone,
                _ => t.quantity,
            };
            let what = if t.lowercase_field { lower_first(what) } else { what.to_owned() };
            fill(t.field_missing, &[("field", &what)])
        }
        _ => t.field_invalid.into(),
    }
}

/// "Full name" → "full name". Labels are sentence case, so only the first letter changes;
/// `str::to_lowercase` would compile Unicode's case tables (12 KB) into the wasm for this.
fn lower_first(label: &str) -> String {
    let mut s = label.to_owned();
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_lowercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const TABLES: [(&str, &Texts); 5] = [("EN", &EN), ("ES", &ES), ("DE", &DE), ("PT_BR", &PT_BR), ("FIL", &FIL)];

    /// Every string of a table as (field name, value). The destructuring has no `..`, so a new
    /// field that is not listed here stops the tests from compiling.
    fn all(t: &Texts) -> Vec<(&'static str, &'static str)> {
        let Texts {
            loading,
            events_heading,
            no_events,
            from_price,
            view_tickets,
            back_to_events,
            choose_tickets,
            sold_out,
            few_left,
            left,
            quantity,
            decrease,
            increase,
            quantity_hint,
            your_details,
            name,
            email,
            phone,
            optional,
            order_summary,
            total,
            checkout,
            checkout_pending,
            pick_a_tier,
            not_on_sale,
            all_sold_out,
            fix_fields,
            err_unreachable,
            err_not_found,
            err_sold_out,
            err_busy,
            err_rate_limited,
            err_unavailable,
            err_generic,
            retry,
            paid_title,
            paid_body,
            paid_body_generic,
            cancelled_title,
            cancelled_body,
            dismiss,
            field_missing,
            field_invalid_email,
            field_invalid_phone,
            field_invalid,
            field_too_long,
            qty_min,
            qty_max,
            qty_available,
            tier_sold_out,
            tier_unknown,
            promo_toggle,
            promo_label,
            promo_apply,
            promo_applying,
            promo_remove,
            promo_applied,
            promo_unknown,
            promo_expired,
            promo_used_up,
            promo_inactive,
            promo_too_short,
            promo_invalid,
            discount,
            live_left,
            live_sold_out,
            live_pick_another,
            live_lowered,
            stale,
            event_cancelled,
            sale_opens,
            off_sale,
            quantity_range,
            sold_on,
            finish_there,
            continue_on,
            resold,
            lowercase_field: _,
        } = t;
        vec![
            ("loading", *loading),
            ("events_heading", *events_heading),
            ("no_events", *no_events),
            ("from_price", *from_price),
            ("view_tickets", *view_tickets),
            ("back_to_events", *back_to_events),
            ("choose_tickets", *choose_tickets),
            ("sold_out", *sold_out),
            ("few_left", *few_left),
            ("left", *left),
            ("quantity", *quantity),
            ("decrease", *decrease),
            ("increase", *increase),
            ("quantity_hint", *quantity_hint),
            ("your_details", *your_details),
            ("name", *name),
            ("email", *email),
            ("phone", *phone),
            ("optional", *optional),
            ("order_summary", *order_summary),
            ("total", *total),
            ("checkout", *checkout),
            ("checkout_pending", *checkout_pending),
            ("pick_a_tier", *pick_a_tier),
            ("not_on_sale", *not_on_sale),
            ("all_sold_out", *all_sold_out),
            ("fix_fields", *fix_fields),
            ("err_unreachable", *err_unreachable),
            ("err_not_found", *err_not_found),
            ("err_sold_out", *err_sold_out),
            ("err_busy", *err_busy),
            ("err_rate_limited", *err_rate_limited),
            ("err_unavailable", *err_unavailable),
            ("err_generic", *err_generic),
            ("retry", *retry),
            ("paid_title", *paid_title),
            ("paid_body", *paid_body),
            ("paid_body_generic", *paid_body_generic),
            ("cancelled_title", *cancelled_title),
            ("cancelled_body", *cancelled_body),
            ("dismiss", *dismiss),
            ("field_missing", *field_missing),
            ("field_invalid_email", *field_invalid_email),
            ("field_invalid_phone", *field_invalid_phone),
            ("field_invalid", *field_invalid),
            ("field_too_long", *field_too_long),
            ("qty_min", *qty_min),
            ("qty_max", *qty_max),
            ("qty_available", *qty_available),
            ("tier_sold_out", *tier_sold_out),
            ("tier_unknown", *tier_unknown),
            ("promo_toggle", *promo_toggle),
            ("promo_label", *promo_label),
            ("promo_apply", *promo_apply),
            ("promo_applying", *promo_applying),
            ("promo_remove", *promo_remove),
            ("promo_applied", *promo_applied),
            ("promo_unknown", *promo_unknown),
            ("promo_expired", *promo_expired),
            ("promo_used_up", *promo_used_up),
            ("promo_inactive", *promo_inactive),
            ("promo_too_short", *promo_too_short),
            ("promo_invalid", *promo_invalid),
            ("discount", *discount),
            ("live_left", *live_left),
            ("live_sold_out", *live_sold_out),
            ("live_pick_another", *live_pick_another),
            ("live_lowered", *live_lowered),
            ("stale", *stale),
            ("event_cancelled", *event_cancelled),
            ("sale_opens", *sale_opens),
            ("off_sale", *off_sale),
            ("quantity_range", *quantity_range),
            ("sold_on", *sold_on),
            ("finish_there", *finish_there),
            ("continue_on", *continue_on),
            ("resold", *resold),
        ]
    }

    /// The `{name}` tokens of a template.
    fn placeholders(s: &str) -> BTreeSet<&str> {
        let mut found = BTreeSet::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if rest[end..].starts_with('}') && end > 0 {
                found.insert(&rest[..end]);
            }
        }
        found
    }

    fn table_name(t: &Texts) -> &'static str {
        let fields = all(t);
        TABLES.iter().find(|(_, table)| all(table) == fields).map(|(name, _)| *name).unwrap_or("none")
    }

    #[test]
    fn placeholder_helper_reads_tokens() {
        assert_eq!(
            placeholders("{quantity} × {tier} for {event}, {tier}"),
            BTreeSet::from(["event", "quantity", "tier"])
        );
        assert!(placeholders("no tokens, { not one }, {}").is_empty());
    }

    #[test]
    fn locale_picks_table_by_primary_subtag() {
        let cases = [
            ("es-ES", "ES"),
            ("es-MX", "ES"),
            ("ES", "ES"),
            ("de-AT", "DE"),
            ("de", "DE"),
            ("pt-BR", "PT_BR"),
            ("pt-PT", "PT_BR"),
            ("pt_br", "PT_BR"),
            ("fil-PH", "FIL"),
            ("FIL", "FIL"),
            ("tl", "FIL"),
            ("tl-PH", "FIL"),
            ("en-AU", "EN"),
            ("en", "EN"),
            ("xx", "EN"),
            ("", "EN"),
            ("e", "EN"),
            ("esp", "EN"),
            ("fi", "EN"),
            ("-es", "EN"),
        ];
        for (tag, want) in cases {
            assert_eq!(table_name(texts(tag)), want, "locale {tag:?}");
        }
    }

    #[test]
    fn tables_are_distinct_and_complete() {
        for (name, t) in TABLES {
            for (field, value) in all(t) {
                assert!(!value.trim().is_empty(), "{name}.{field} is empty");
                assert_eq!(value, value.trim(), "{name}.{field} has stray spaces");
            }
        }
        let names: BTreeSet<_> = TABLES.iter().map(|(_, t)| all(t)).collect();
        assert_eq!(names.len(), TABLES.len(), "two tables are identical");
    }

    #[test]
    fn every_translation_keeps_the_english_placeholders() {
        let en = all(&EN);
        for (name, t) in TABLES {
            let table = all(t);
            assert_eq!(table.len(), en.len());
            for ((field, english), (same_field, value)) in en.iter().zip(&table) {
                assert_eq!(field, same_field);
                assert_eq!(
                    placeholders(value),
                    placeholders(english),
                    "{name}.{field}: {value:?} against English {english:?}"
                );
            }
        }
    }

    #[test]
    fn lowering_the_first_letter_lowers_every_label_fully() {
        for (name, t) in TABLES.iter().filter(|(_, t)| t.lowercase_field) {
            for label in [t.name, t.email, t.phone, t.quantity] {
                assert_eq!(lower_first(label), label.to_lowercase(), "{name}: {label}");
            }
        }
    }

    #[test]
    fn missing_field_keeps_german_capitals() {
        assert_eq!(problem(&EN, Field::Name, Problem::Missing), "Please enter your full name.");
        assert_eq!(problem(&ES, Field::Email, Problem::Missing), "Introduce tu correo electrónico.");
        assert_eq!(problem(&DE, Field::Name, Problem::Missing), "Bitte füllen Sie „Vor- und Nachname“ aus.");
        assert_eq!(problem(&DE, Field::Email, Problem::Missing), "Bitte füllen Sie „E-Mail“ aus.");
        assert_eq!(problem(&PT_BR, Field::Phone, Problem::Missing), "Informe seu telefone.");
        assert_eq!(problem(&FIL, Field::Phone, Problem::Missing), "Pakilagay ang iyong contact number.");
    }

    #[test]
    fn filled_templates_leave_no_token_behind() {
        let pairs = [
            ("n", "3"),
            ("price", "€10"),
            ("title", "Gig"),
            ("tier", "VIP"),
            ("quantity", "2"),
            ("event", "Gig"),
            ("email", "a@example.com"),
            ("field", "name"),
            ("code", "SAVE10"),
            ("off", "10%"),
            ("when", "Sat, 1 Mar 2030, 10:00 AM"),
            ("platform", "TicketWave"),
            ("min", "2"),
        ];
        for (name, t) in TABLES {
            for (field, value) in all(t) {
                let filled = fill(value, &pairs);
                assert!(placeholders(&filled).is_empty(), "{name}.{field} left {filled:?}");
            }
        }
    }
}
