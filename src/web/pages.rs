//! Staff pages: login and logout (the dashboard lives in `dashboard`, the audit trail in
//! `audit`).

use chrono::Utc;
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth::{self, Page};
use super::csrf::CsrfToken;
use super::error::PageError;
use super::policy::AnyRole;
use super::redirect::LocalPath;
use super::App;
use crate::ops::{self, users};

pub fn routes() -> Vec<Route> {
    routes![healthz, login_page, login, logout]
}

/// 200 when the database answers.
#[get("/healthz")]
pub fn healthz(app: &State<App>) -> (Status, &'static str) {
    if ops::audit::ping(&app.db).is_ok() {
        (Status::Ok, "ok")
    } else {
        (Status::ServiceUnavailable, "base de datos sin respuesta")
    }
}

/// Only same-site paths are followed after login (anything else goes home).
fn safe_next(next: Option<&str>) -> String {
    LocalPath::or(next, "/").to_string()
}

#[get("/login?<next>")]
pub fn login_page(next: Option<String>, csrf: CsrfToken) -> Template {
    Template::render(
        "login",
        context! { title: "Iniciar sesión", csrf: csrf.0, next: safe_next(next.as_deref()), error: Option::<String>::None },
    )
}

#[derive(FromForm)]
pub struct LoginForm {
    #[field(validate = len(..=100))]
    name: String,
    #[field(validate = len(..=200))]
    password: String,
    csrf: String,
    next: Option<String>,
}

#[post("/login", data = "<form>")]
pub async fn login(
    form: Form<LoginForm>,
    csrf: CsrfToken,
    jar: &CookieJar<'_>,
    app: &State<App>,
    addr: Option<std::net::IpAddr>,
) -> Result<Redirect, (Status, Template)> {
    let again = |status: Status, error: String| {
        let next = safe_next(form.next.as_deref());
        (
            status,
            Template::render(
                "login",
                context! { title: "Iniciar sesión", csrf: csrf.0.clone(), next, error },
            ),
        )
    };
    if csrf.check(&form.csrf).is_err() {
        return Err(again(
            Status::Forbidden,
            "El formulario caducó; intente de nuevo.".into(),
        ));
    }
    let address = addr.map_or_else(|| "local".to_string(), |a| a.to_string());
    if let Err(wait) = app.login_throttle.begin(&address, &form.name) {
        return Err(again(
            Status::TooManyRequests,
            format!(
                "Demasiados intentos. Espere {} segundos.",
                wait.as_secs().max(1)
            ),
        ));
    }
    let db = app.db.clone();
    let (name, password) = (form.name.clone(), form.password.clone());
    // Sessions live on real time (see `users::login`); the audit record on the app's clock.
    let audit_at = app.clock.now();
    let previous = jar
        .get_private(auth::SESSION_COOKIE)
        .map(|c| c.value().to_string());
    // Password hashing is deliberately slow: keep it off the async workers.
    let result = rocket::tokio::task::spawn_blocking(move || {
        users::login(
            &db,
            &name,
            &password,
            previous.as_deref(),
            Utc::now(),
            audit_at,
        )
    })
    .await
    .map_err(|_| again(Status::InternalServerError, "Error interno.".into()))?;
    match result {
        Ok(Some((secret, _))) => {
            app.login_throttle.succeeded(&address, &form.name);
            auth::set_session(jar, secret, app.secure_cookies);
            Ok(Redirect::to(safe_next(form.next.as_deref())))
        }
        Ok(None) => Err(again(
            Status::Unauthorized,
            "Usuario o contraseña incorrectos.".into(),
        )),
        Err(_) => Err(again(
            Status::ServiceUnavailable,
            "La base de datos no responde.".into(),
        )),
    }
}

#[derive(FromForm)]
pub struct CsrfForm {
    csrf: String,
}

#[post("/logout", data = "<form>")]
pub fn logout(
    _user: Page<AnyRole>,
    form: Form<CsrfForm>,
    csrf: CsrfToken,
    jar: &CookieJar<'_>,
    app: &State<App>,
) -> Result<Redirect, PageError> {
    csrf.check(&form.csrf)?;
    if let Some(c) = jar.get_private(auth::SESSION_COOKIE) {
        users::logout(&app.db, c.value(), app.clock.now())?;
    }
    auth::clear_session(jar);
    Ok(Redirect::to(rocket::uri!(login_page(
        next = Option::<String>::None
    ))))
}
