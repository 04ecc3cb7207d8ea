//! TEMPORARY stub until the geo branch lands.
pub struct Country {
    pub code: &'static str,
    pub name_es: &'static str,
}
pub fn country(_code: &str) -> Option<&'static Country> {
    None
}
pub fn validate_postal_code(_c: &str, _p: &str) -> Result<(), String> {
    Ok(())
}
pub fn region_required(_c: &str) -> bool {
    false
}
