//! TEMPORARY stub until the docs branch lands (return-envelope codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeId(u64);
impl CodeId {
    pub fn new(v: u64) -> Option<CodeId> {
        (v < 1 << 40).then_some(CodeId(v))
    }
    pub fn get(self) -> u64 {
        self.0
    }
}
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvelopeCode(String);
impl EnvelopeCode {
    pub fn issue(_key: &[u8; 32], id: CodeId) -> EnvelopeCode {
        EnvelopeCode(format!("{:018}", id.0))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("no es un código de sobre")]
    Garbage,
    #[error("el carácter de verificación no coincide")]
    CheckCharacter,
    #[error("firma inválida")]
    BadSignature,
}
pub struct UnverifiedCode(u64);
impl UnverifiedCode {
    pub fn verify(&self, _key: &[u8; 32]) -> Result<CodeId, CodeError> {
        CodeId::new(self.0).ok_or(CodeError::BadSignature)
    }
}
pub fn parse(input: &str) -> Result<UnverifiedCode, CodeError> {
    input
        .parse()
        .map(UnverifiedCode)
        .map_err(|_| CodeError::Garbage)
}
pub fn parse_manual(input: &str) -> Result<UnverifiedCode, CodeError> {
    parse(input.trim())
}
