//! TEMPORARY stub until the demo branch lands.
pub struct DemoSpec {
    pub electors: usize,
    pub seed: u64,
    pub entities: Vec<String>,
}
pub fn write_demo_csv<W: std::io::Write>(_spec: &DemoSpec, _out: W) -> Result<(), csv::Error> {
    Ok(())
}
