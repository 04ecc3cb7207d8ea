//! The words of the public lookup page in Spanish and English (the answers' own words are in
//! `ops::lookup`), and the demo's example for visitors.

use serde::Serialize;

use crate::domain::lookup::Lang;

/// Every fixed text of the page, in one language.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PageText {
    pub title: &'static str,
    pub brand_note: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub privacy: &'static str,
    pub key: &'static str,
    pub key_hint: &'static str,
    pub postal: &'static str,
    pub code_legend: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub submit: &'static str,
    /// The switch to the other language: its text, target and `lang`.
    pub other: &'static str,
    pub other_code: &'static str,
    pub other_html: &'static str,
    pub result: &'static str,
    pub outbound: &'static str,
    pub return_leg: &'static str,
    pub carrier: &'static str,
    pub tracking: &'static str,
    pub track_on: &'static str,
    pub last_event: &'static str,
    pub country: &'static str,
    pub deadline: &'static str,
    pub in_time: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub steps: &'static str,
    pub new_window: &'static str,
}

const ES: PageText = PageText {
    title: "Consulte su paquete",
    brand_note: "Voto postal desde el extranjero",
    heading: "Consulte su Paquete Electoral Postal",
    intro: "Escriba su clave de elector y el código postal del domicilio con el que se registró para votar desde el extranjero.",
    privacy: "No mostramos nombres, domicilios ni otros datos personales.",
    key: "Clave de elector",
    key_hint: "18 caracteres, como aparece en su credencial para votar.",
    postal: "Código postal de su domicilio registrado",
    code_legend: "¿Ya recibió su paquete?",
    code: "Código del sobre (opcional)",
    code_hint: "En lugar del código postal puede usar el código impreso bajo el código QR de su Sobre-Postal-Voto.",
    submit: "Consultar",
    other: "English",
    other_code: "en",
    other_html: "en",
    result: "Resultado de su consulta",
    outbound: "Envío de su paquete",
    return_leg: "Regreso de su Sobre-Postal-Voto",
    carrier: "Paquetería",
    tracking: "Guía",
    track_on: "Seguir la guía en el sitio de",
    last_event: "Último movimiento",
    country: "País",
    deadline: "Debe llegar al INE a más tardar",
    in_time: "Recibido a tiempo",
    yes: "Sí",
    no: "No",
    steps: "Pasos",
    new_window: "(se abre en otra pestaña)",
};

const EN: PageText = PageText {
    title: "Track your package",
    brand_note: "Postal vote from abroad",
    heading: "Track your postal voting package",
    intro: "Enter your elector key (clave de elector) and the postal code of the address you registered with to vote from abroad.",
    privacy: "We never show names, addresses or other personal data.",
    key: "Elector key (clave de elector)",
    key_hint: "18 characters, as printed on your voter ID card.",
    postal: "Postal code of your registered address",
    code_legend: "Already have your package?",
    code: "Envelope code (optional)",
    code_hint: "Instead of the postal code you may use the code printed under the QR code of your return envelope (Sobre-Postal-Voto).",
    submit: "Look up",
    other: "Español",
    other_code: "es",
    other_html: "es-MX",
    result: "Your result",
    outbound: "Your package",
    return_leg: "Your return envelope",
    carrier: "Courier",
    tracking: "Tracking number",
    track_on: "Track it on the site of",
    last_event: "Last update",
    country: "Country",
    deadline: "Must reach INE no later than",
    in_time: "Received in time",
    yes: "Yes",
    no: "No",
    steps: "Steps",
    new_window: "(opens in a new tab)",
};

/// The page's texts in `lang`.
pub fn page(lang: Lang) -> PageText {
    match lang {
        Lang::Es => ES,
        Lang::En => EN,
    }
}

/// In demo mode: an elector key and postal code that visitors may try (synthetic data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHint {
    pub elector_key: String,
    pub postal_code: String,
}

impl DemoHint {
    pub fn sentence(&self, lang: Lang) -> String {
        match lang {
            Lang::Es => format!(
                "Demostración: pruebe la clave de elector {} con el código postal {}.",
                self.elector_key, self.postal_code
            ),
            Lang::En => format!(
                "Demo: try the elector key {} with the postal code {}.",
                self.elector_key, self.postal_code
            ),
        }
    }
}

/// Managed by `serve --demo`: the lookup page then offers the first demo elector to try
/// (read when the page is asked, since the demo's list is loaded after the app starts).
pub struct DemoMode;

/// The demo's example in demo mode, else nothing.
pub struct Demo(pub Option<DemoHint>);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for Demo {
    type Error = std::convert::Infallible;

    async fn from_request(
        req: &'r rocket::Request<'_>,
    ) -> rocket::request::Outcome<Self, Self::Error> {
        let rocket = req.rocket();
        let hint = match (rocket.state::<DemoMode>(), rocket.state::<super::App>()) {
            (Some(DemoMode), Some(app)) => crate::ops::lookup::demo_example(&app.db)
                .ok()
                .flatten()
                .map(|(elector_key, postal_code)| DemoHint {
                    elector_key,
                    postal_code,
                }),
            _ => None,
        };
        rocket::request::Outcome::Success(Demo(hint))
    }
}
