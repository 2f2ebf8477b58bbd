//! The email that tells a buyer seats are back, sent over SMTP with lettre (tokio, rustls).
//! `compose` is a plain function (the tests read its headers); `Mailer` only sends.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// An SMTP server that does not answer within this long fails the email, not the proxy.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// What one email says.
#[derive(Clone, Debug)]
pub struct Invitation<'a> {
    pub to: &'a str,
    pub event_title: &'a str,
    pub tier_name: &'a str,
    /// Where to buy: the shop's page with the event.
    pub event_link: &'a str,
    /// This entry's unsubscribe page (`GET` shows a confirm button, `POST` removes).
    pub unsubscribe_link: &'a str,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(String);

/// The message, with RFC 8058 one-click unsubscribe headers: a mail client's own
/// "Unsubscribe" posts `List-Unsubscribe=One-Click` to the link, which removes the entry.
pub fn compose(from: &Mailbox, invitation: &Invitation) -> Result<Message, MailError> {
    let to: Mailbox = invitation.to.parse().map_err(|e| MailError(format!("the address cannot be written to: {e}")))?;
    let body = format!(
        "Good news: tickets are available again for {tier} at {event}.\n\n\
         You asked to hear when seats in this tier came back. They are sold first come, first served:\n\
         {link}\n\n\
         You are getting this email because you joined the waiting list for this tier. \
         To leave the waiting list:\n{unsubscribe}\n",
        tier = invitation.tier_name,
        event = invitation.event_title,
        link = invitation.event_link,
        unsubscribe = invitation.unsubscribe_link,
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(format!("Tickets are back: {} at {}", invitation.tier_name, invitation.event_title))
        .header(ContentType::TEXT_PLAIN)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{}>", invitation.unsubscribe_link),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ))
        .body(body)
        .map_err(|e| MailError(format!("the email could not be built: {e}")))
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp_url` in lettre's form (checked by the settings); `from` a mailbox.
    pub fn new(smtp_url: &SecretString, from: &str) -> Result<Self, MailError> {
        // lettre's own error text can quote the URL, password included: not repeated here.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url.expose_secret())
            .map_err(|_| MailError("TESSERA_SMTP_URL is not an SMTP URL lettre can use".into()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from.parse().map_err(|e| MailError(format!("TESSERA_MAIL_FROM: {e}")))?;
        Ok(Mailer { transport, from })
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    pub async fn send(&self, message: Message) -> Result<(), MailError> {
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| MailError(format!("the SMTP server did not take the email: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_email_links_to_the_event_and_offers_one_click_unsubscribe() {
        let from: Mailbox = "Tickets <tickets@shop.example>".parse().unwrap();
        let message = compose(
            &from,
            &Invitation {
                to: "ana@example.com",
                event_title: "Manila Jazz Night",
                tier_name: "VIP",
                event_link: "https://shop.example/jazz",
                unsubscribe_link: "https://tickets.shop.example/waitlist/unsubscribe/abc",
            },
        )
        .unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("List-Unsubscribe: <https://tickets.shop.example/waitlist/unsubscribe/abc>"), "{text}");
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{text}");
        assert!(text.contains("Subject: Tickets are back: VIP at Manila Jazz Night"), "{text}");
        assert!(text.contains("https://shop.example/jazz"), "{text}");
        assert!(compose(&from, &Invitation { to: "not an address", ..invitation_stub() }).is_err());
    }

    fn invitation_stub() -> Invitation<'static> {
        Invitation {
            to: "",
            event_title: "E",
            tier_name: "T",
            event_link: "https://e.example",
            unsubscribe_link: "https://u.example",
        }
    }
}
