//! Which methods the mounted API routes offer for a path, so that a known path asked with
//! another method gets `405 Method Not Allowed` and an `Allow` header rather than a 404.

use rocket::http::Method;
use rocket::Request;

/// Whether a route's path template (`/api/v1/peps/<pep_id>`) matches the decoded segments.
fn matches(template: &[&str], path: &[&str]) -> bool {
    let mut t = template.iter();
    let mut p = path.iter();
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(seg), _) if seg.starts_with('<') && seg.ends_with("..>") => return true,
            (Some(seg), Some(_)) if seg.starts_with('<') && seg.ends_with('>') => {}
            (Some(seg), Some(given)) if seg == given => {}
            _ => return false,
        }
    }
}

/// The methods of the routes under `/api` whose path matches the request's, sorted; empty
/// when no route has this path (a true 404). `HEAD` is offered wherever `GET` is.
pub fn allowed(req: &Request<'_>) -> Vec<Method> {
    let path: Vec<&str> = req.uri().path().segments().collect();
    let mut methods: Vec<Method> = Vec::new();
    for route in req.rocket().routes() {
        let template: Vec<&str> = route
            .uri
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        if template.first() == Some(&"api") && matches(&template, &path) {
            methods.push(route.method);
            if route.method == Method::Get {
                methods.push(Method::Head);
            }
        }
    }
    methods.sort_by_key(|m| m.as_str());
    methods.dedup();
    methods
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn a_template_matches_literal_segments_and_any_one_segment_per_parameter() {
        let t = ["api", "v1", "peps", "<pep_id>"];
        assert!(matches(&t, &["api", "v1", "peps", "PEP-0000001-1"]));
        assert!(!matches(&t, &["api", "v1", "peps"]));
        assert!(!matches(&t, &["api", "v1", "peps", "a", "b"]));
        assert!(!matches(&t, &["api", "v1", "stats", "x"]));
        assert!(matches(&["static", "<path..>"], &["static", "a", "b.css"]));
    }
}
