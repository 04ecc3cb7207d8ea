//! A map as HTML: a `<figure>` holding the inline SVG (a titled, described image; each coloured
//! shape labelled, the grey ones hidden from screen readers; the legend) and a caption naming
//! the areas with PEPs that have no shape. Every label is escaped here: the web pages insert
//! the result as is, and so does the drill's standalone report.

use std::fmt::Write as _;

use super::MapView;

/// Escapes text for HTML and SVG content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The map as a `<figure class="map">`.
pub fn figure(m: &MapView) -> String {
    let id = esc(m.id);
    let mut o = String::with_capacity(m.shapes.iter().map(|s| s.d.len() + 80).sum());
    // Writing into a String cannot fail.
    let _ = write!(
        o,
        "<figure class=\"map\">\n<div class=\"scroll\"><svg class=\"map\" viewBox=\"0 0 {} {}\" \
         role=\"img\" aria-labelledby=\"{id}-t {id}-d\" preserveAspectRatio=\"xMinYMin meet\">\n\
         \x20 <title id=\"{id}-t\">{}</title>\n  <desc id=\"{id}-d\">{}</desc>\n  <g class=\"shapes\">",
        m.width,
        m.height,
        esc(&m.title),
        esc(&m.desc)
    );
    for s in &m.shapes {
        let (d, fill, code) = (esc(s.d), esc(s.fill), esc(s.code));
        let _ = match (&s.label, s.bin) {
            (Some(label), Some(bin)) => write!(
                o,
                "\n    <path d=\"{d}\" fill=\"{fill}\" data-code=\"{code}\" data-bin=\"{bin}\" \
                 aria-label=\"{l}\"><title>{l}</title></path>",
                l = esc(label)
            ),
            _ => write!(
                o,
                "\n    <path d=\"{d}\" fill=\"{fill}\" data-code=\"{code}\" aria-hidden=\"true\"/>"
            ),
        };
    }
    o.push_str("\n  </g>\n  <g class=\"legend\">");
    for (i, l) in m.legend.iter().enumerate() {
        let _ = write!(
            o,
            "\n    <rect x=\"{x}\" y=\"{y}\" width=\"16\" height=\"12\" fill=\"{f}\" \
             data-legend-bin=\"{i}\"/><text x=\"{tx}\" y=\"{ty}\">{t}</text>",
            x = l.x,
            y = m.legend_y,
            f = esc(l.fill),
            tx = l.x + 20.0,
            ty = m.legend_y + 11.0,
            t = esc(l.label)
        );
    }
    let _ = write!(o, "\n  </g>\n</svg></div>\n<figcaption>{}", esc(&m.title));
    if !m.unmapped.is_empty() {
        let _ = write!(
            o,
            ". Sin forma en el mapa: {}.",
            esc(&m.unmapped.join("; "))
        );
    }
    o.push_str("</figcaption>\n</figure>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::super::{choropleth, world, Area, Metric};
    use super::*;

    #[test]
    fn a_figure_labels_the_coloured_shapes_hides_the_grey_ones_and_escapes_every_name() {
        let areas = [
            Area {
                code: "US".into(),
                name: "Estados <Unidos> & \"Co\"".into(),
                peps: 1500,
                received: 300,
            },
            Area {
                code: "TV".into(),
                name: "Tuvalu".into(),
                peps: 2,
                received: 0,
            },
        ];
        let html = figure(&choropleth(
            "m-1",
            "PEP & más",
            world(),
            &areas,
            Metric::Peps,
        ));
        assert!(html.starts_with("<figure class=\"map\">"));
        assert!(html.contains("<svg class=\"map\""));
        assert!(html.contains("aria-labelledby=\"m-1-t m-1-d\""));
        assert!(html.contains("<title id=\"m-1-t\">PEP &amp; más</title>"));
        assert!(html.contains(
            "data-code=\"US\" data-bin=\"3\" aria-label=\"Estados &lt;Unidos&gt; &amp; &quot;Co&quot;: 1,500 PEP\""
        ));
        assert!(html.contains("data-code=\"FR\" aria-hidden=\"true\"/>"));
        assert!(!html.contains("<Unidos>"));
        assert_eq!(html.matches("data-legend-bin=").count(), 5);
        assert!(html.contains("Sin forma en el mapa: Tuvalu: 2 PEP."));
    }
}
