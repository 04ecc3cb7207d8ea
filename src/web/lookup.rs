//! The public voter lookup page `/consulta` (no login), in Spanish or English: the elector key
//! with the postal code of the registered address, or with the code of the return envelope →
//! where the package and the envelope are. Every mismatch answers the same 404 page; too many
//! lookups answer 429 on the same page. In demo mode the page offers an example to try.

use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::csrf::CsrfToken;
use super::error::PageError;
use super::lang::PublicLang;
use super::lookup_limits::LookupThrottle;
use super::lookup_text::{self, Demo};
use super::App;
use crate::domain::lookup::{key_form, Lang};
use crate::ops::{self, lookup::Answer};

pub fn routes() -> Vec<Route> {
    routes![lookup_page, lookup_post]
}

/// What the page shows under the form.
enum Outcome {
    Nothing,
    Found(Box<Answer>),
    Refused,
    Limited(std::time::Duration),
}

fn render(lang: Lang, csrf: &str, outcome: Outcome, demo: &Demo) -> (Status, Template) {
    let t = lookup_text::page(lang);
    let demo = demo.0.as_ref().map(|h| h.sentence(lang));
    let (status, answer, notice) = match outcome {
        Outcome::Nothing => (Status::Ok, None, None),
        Outcome::Found(a) => (Status::Ok, Some(a), None),
        Outcome::Refused => (
            Status::NotFound,
            None,
            Some(ops::lookup::refusal(lang).to_string()),
        ),
        Outcome::Limited(wait) => (
            Status::TooManyRequests,
            None,
            Some(ops::lookup::too_many(wait.as_secs(), lang)),
        ),
    };
    let template = Template::render(
        "lookup",
        context! {
            title: t.title,
            page_lang: lang.html(),
            brand_note: t.brand_note,
            lang: lang.as_str(),
            t,
            csrf,
            demo,
            answer,
            notice,
        },
    );
    (status, template)
}

#[get("/consulta")]
pub fn lookup_page(csrf: CsrfToken, lang: PublicLang, demo: Demo) -> (Status, Template) {
    render(lang.0, &csrf.0, Outcome::Nothing, &demo)
}

/// The form: every field may be missing or anything at all (each mismatch is the same refusal).
#[derive(FromForm)]
pub struct LookupForm {
    #[field(default = String::new())]
    csrf: String,
    #[field(default = String::new())]
    lang: String,
    #[field(default = String::new())]
    elector_key: String,
    #[field(default = String::new())]
    postal_code: String,
    #[field(default = String::new())]
    code: String,
}

impl LookupForm {
    /// The envelope code when one was typed, else the postal code.
    pub fn query(&self) -> ops::lookup::Query<'_> {
        let proof = if self.code.trim().is_empty() {
            ops::lookup::Proof::PostalCode(&self.postal_code)
        } else {
            ops::lookup::Proof::EnvelopeCode(&self.code)
        };
        ops::lookup::Query {
            elector_key: &self.elector_key,
            proof,
        }
    }
}

#[post("/consulta", data = "<form>")]
pub fn lookup_post(
    csrf: CsrfToken,
    lang: PublicLang,
    form: Form<LookupForm>,
    app: &State<App>,
    throttle: &State<LookupThrottle>,
    addr: Option<std::net::IpAddr>,
    demo: Demo,
) -> Result<(Status, Template), PageError> {
    csrf.check(&form.csrf)?;
    let lang = Lang::parse(&form.lang).unwrap_or(lang.0);
    let address = addr.map_or_else(|| "local".to_string(), |a| a.to_string());
    if let Err(wait) = throttle.attempt(&address, &key_form(&form.elector_key)) {
        return Ok(render(lang, &csrf.0, Outcome::Limited(wait), &demo));
    }
    let e = ops::election::current(&app.db)?;
    let outcome = match ops::lookup::lookup(&app.db, &app.code_key, &e, &form.query(), lang)? {
        Some(answer) => Outcome::Found(Box::new(answer)),
        None => Outcome::Refused,
    };
    Ok(render(lang, &csrf.0, outcome, &demo))
}
