//! TEMPORARY stub until the geo branch lands.
#[derive(Debug)]
pub struct Entity {
    pub code: &'static str,
    pub name: &'static str,
    pub abbr: &'static str,
}
pub fn entity(_code: &str) -> Option<&'static Entity> {
    None
}
