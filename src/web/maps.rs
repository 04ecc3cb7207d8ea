//! The choropleths on the dashboard and `/informes`: the scope's numbers (`ops::maps`) drawn by
//! `documents::maps` as HTML figures the templates insert as they are (every label is escaped
//! there).

use crate::documents::maps::{self, svg};
use crate::ops::maps::MapData;

/// The four maps (world and US states; PEPs and return rate), each a `<figure>` of inline SVG.
pub fn all(data: &MapData) -> Vec<String> {
    maps::all(&data.countries, &data.us_states)
        .iter()
        .map(svg::figure)
        .collect()
}
