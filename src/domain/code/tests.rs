//! Tests of the envelope code: exhaustive error detection for one code, properties for all.

use super::*;
use proptest::prelude::*;

const KEY: [u8; 32] = [7; 32];

fn code(id: u64) -> EnvelopeCode {
    EnvelopeCode::issue(&KEY, CodeId::new(id).unwrap())
}

/// The canonical string with the 18 symbols replaced by `symbols`.
fn with_symbols(symbols: &[u8]) -> String {
    let mut s = String::new();
    for (i, &b) in symbols.iter().enumerate() {
        if i == 6 || i == 12 {
            s.push('-');
        }
        s.push(char::from(b));
    }
    s
}

fn symbols_of(code: &EnvelopeCode) -> Vec<u8> {
    code.as_str().bytes().filter(|&b| b != b'-').collect()
}

#[test]
fn three_is_a_primitive_root_so_the_weights_are_distinct_and_non_zero() {
    let mut powers: Vec<u32> = (0..30).map(|i| (0..i).fold(1, |a, _| a * 3 % 31)).collect();
    powers.sort_unstable();
    powers.dedup();
    assert_eq!(powers.len(), 30);
    let mut w = WEIGHTS.to_vec();
    assert!(w.iter().all(|&x| x != 0));
    w.sort_unstable();
    w.dedup();
    assert_eq!(w.len(), SYMBOLS);
}

#[test]
fn an_issued_code_has_three_groups_of_six_alphabet_symbols() {
    let c = code(0x12_3456_789A);
    let s = c.as_str();
    assert_eq!(s.len(), 20);
    let groups: Vec<&str> = s.split('-').collect();
    assert_eq!(groups.len(), 3);
    assert!(groups.iter().all(|g| g.len() == 6));
    assert!(s.bytes().all(|b| b == b'-' || ALPHABET.contains(&b)));
    assert_eq!(c.to_string(), s);
}

#[test]
fn the_extreme_ids_round_trip() {
    for id in [0, 1, (1 << CODE_ID_BITS) - 1] {
        let parsed = parse(code(id).as_str()).unwrap();
        assert_eq!(parsed.verify(&KEY).unwrap().get(), id);
        assert_eq!(parsed.id_unchecked().get(), id);
    }
}

#[test]
fn ids_of_forty_one_bits_are_refused() {
    assert!(CodeId::new(1 << CODE_ID_BITS).is_none());
    assert!(CodeId::new(u64::MAX).is_none());
}

#[test]
fn random_ids_stay_below_two_to_the_forty() {
    let mut rng = rand::rng();
    for _ in 0..1000 {
        assert!(CodeId::random(&mut rng).get() < 1 << CODE_ID_BITS);
    }
}

#[test]
fn every_single_substitution_of_one_code_is_caught_exhaustively() {
    let c = code(0xAB_CDEF_0123);
    let symbols = symbols_of(&c);
    for pos in 0..SYMBOLS {
        for &other in ALPHABET.iter().filter(|&&s| s != symbols[pos]) {
            let mut changed = symbols.clone();
            changed[pos] = other;
            assert_eq!(
                parse(&with_symbols(&changed)),
                Err(CodeError::CheckCharacter),
                "position {pos}, symbol {}",
                char::from(other)
            );
        }
    }
}

#[test]
fn every_neighbour_swap_of_one_code_is_caught_exhaustively() {
    let c = code(0xAB_CDEF_0123);
    let symbols = symbols_of(&c);
    let mut tried = 0;
    for pos in 0..SYMBOLS - 1 {
        if symbols[pos] == symbols[pos + 1] {
            continue;
        }
        let mut swapped = symbols.clone();
        swapped.swap(pos, pos + 1);
        assert_eq!(
            parse(&with_symbols(&swapped)),
            Err(CodeError::CheckCharacter)
        );
        tried += 1;
    }
    assert!(tried >= 10, "the sample code should have varied symbols");
}

#[test]
fn every_ascii_byte_at_every_position_of_one_code_is_rejected_or_unchanged() {
    let c = code(0x00_0000_0042);
    for pos in 0..CANONICAL_LEN {
        for b in 0u8..128 {
            let mut s = c.as_str().as_bytes().to_vec();
            if s[pos] == b {
                continue;
            }
            s[pos] = b;
            let s = String::from_utf8(s).unwrap();
            assert!(parse(&s).is_err(), "{s:?} was accepted");
        }
    }
}

#[test]
fn a_code_of_another_installation_has_a_bad_signature() {
    let other = EnvelopeCode::issue(&[8; 32], CodeId::new(99).unwrap());
    let parsed = parse(other.as_str()).unwrap();
    assert_eq!(parsed.verify(&KEY), Err(CodeError::BadSignature));
}

#[test]
fn lowercase_and_missing_hyphens_are_refused_by_the_strict_parser() {
    let c = code(12345);
    assert_eq!(parse(&c.as_str().to_lowercase()), Err(CodeError::Garbage));
    assert_eq!(parse(&c.as_str().replace('-', "")), Err(CodeError::Garbage));
    assert_eq!(parse(""), Err(CodeError::Garbage));
}

#[test]
fn manual_entry_accepts_spaces_lowercase_and_look_alike_letters() {
    let c = code(0x10_0000_0001);
    let id = 0x10_0000_0001;
    let typed = c.as_str().to_lowercase().replace('-', " ");
    let typed = typed.replace('0', "o").replace('1', "l");
    let padded = format!("  {typed}\t");
    assert_eq!(
        parse_manual(&padded).unwrap().verify(&KEY).unwrap().get(),
        id
    );
    let bare = c.as_str().replace('-', "").replace('1', "I");
    assert_eq!(parse_manual(&bare).unwrap().verify(&KEY).unwrap().get(), id);
    assert_eq!(parse_manual(c.as_str()).unwrap().id_unchecked().get(), id);
}

#[test]
fn manual_entry_refuses_wrong_lengths_and_foreign_characters() {
    let c = code(777);
    assert_eq!(parse_manual(&c.as_str()[..19]), Err(CodeError::Garbage));
    assert_eq!(parse_manual(&format!("{c}0")), Err(CodeError::Garbage));
    assert_eq!(
        parse_manual(
            &c.as_str()
                .replacen(|ch: char| ch.is_ascii_alphanumeric(), "Ñ", 1)
        ),
        Err(CodeError::Garbage)
    );
    assert_eq!(parse_manual(&"A".repeat(10_000)), Err(CodeError::Garbage));
}

#[test]
fn a_checked_string_above_eighty_bits_is_not_a_code() {
    // All data symbols at the top value: 31^17 - 1 > 2^80.
    let mut digits = [30u32; SYMBOLS];
    digits[DATA_SYMBOLS] = (RADIX - weighted_sum(&digits[..DATA_SYMBOLS])) % RADIX;
    let symbols: Vec<u8> = digits.iter().map(|&d| ALPHABET[d as usize]).collect();
    assert_eq!(parse(&with_symbols(&symbols)), Err(CodeError::Garbage));
}

#[test]
fn errors_read_in_spanish() {
    assert_eq!(
        CodeError::CheckCharacter.to_string(),
        "el carácter de verificación no coincide"
    );
    assert_eq!(
        CodeError::BadSignature.to_string(),
        "firma inválida: código no emitido por esta instalación"
    );
    assert_eq!(CodeError::Garbage.to_string(), "no es un código de sobre");
}

fn any_id() -> impl Strategy<Value = u64> {
    0u64..(1 << CODE_ID_BITS)
}

proptest! {
    #[test]
    fn issue_parse_verify_round_trips_for_any_id_and_key(id in any_id(), key in any::<[u8; 32]>()) {
        let c = EnvelopeCode::issue(&key, CodeId::new(id).unwrap());
        let parsed = parse(c.as_str()).unwrap();
        prop_assert_eq!(parsed.verify(&key).unwrap().get(), id);
        prop_assert_eq!(parse_manual(c.as_str()).unwrap(), parsed);
    }

    #[test]
    fn any_change_of_one_character_is_rejected(
        id in any_id(),
        pos in 0usize..CANONICAL_LEN,
        replacement in any::<char>(),
    ) {
        let c = code(id);
        let original = c.as_str().chars().nth(pos).unwrap();
        prop_assume!(replacement != original);
        let changed: String = c
            .as_str()
            .chars()
            .enumerate()
            .map(|(i, ch)| if i == pos { replacement } else { ch })
            .collect();
        let result = parse(&changed);
        prop_assert!(
            matches!(result, Err(CodeError::CheckCharacter) | Err(CodeError::Garbage)),
            "{} accepted as {:?}", changed, result
        );
    }

    #[test]
    fn any_change_to_another_alphabet_symbol_fails_the_check(
        id in any_id(),
        pos in 0usize..SYMBOLS,
        delta in 1usize..31,
    ) {
        let mut symbols = symbols_of(&code(id));
        let value = symbol_value(symbols[pos]).unwrap() as usize;
        symbols[pos] = ALPHABET[(value + delta) % 31];
        prop_assert_eq!(parse(&with_symbols(&symbols)), Err(CodeError::CheckCharacter));
    }

    #[test]
    fn any_swap_of_two_neighbouring_differing_symbols_is_rejected(
        id in any_id(),
        pos in 0usize..SYMBOLS - 1,
    ) {
        let mut symbols = symbols_of(&code(id));
        prop_assume!(symbols[pos] != symbols[pos + 1]);
        symbols.swap(pos, pos + 1);
        prop_assert_eq!(parse(&with_symbols(&symbols)), Err(CodeError::CheckCharacter));
    }

    #[test]
    fn any_swap_of_two_neighbouring_characters_of_the_text_is_rejected(
        id in any_id(),
        pos in 0usize..CANONICAL_LEN - 1,
    ) {
        let mut bytes = code(id).as_str().as_bytes().to_vec();
        prop_assume!(bytes[pos] != bytes[pos + 1]);
        bytes.swap(pos, pos + 1);
        prop_assert!(parse(std::str::from_utf8(&bytes).unwrap()).is_err());
    }

    #[test]
    fn a_code_under_another_key_fails_with_bad_signature(
        id in any_id(),
        key in any::<[u8; 32]>(),
        other in any::<[u8; 32]>(),
    ) {
        prop_assume!(key != other);
        let c = EnvelopeCode::issue(&other, CodeId::new(id).unwrap());
        prop_assert_eq!(parse(c.as_str()).unwrap().verify(&key), Err(CodeError::BadSignature));
    }

    #[test]
    fn random_strings_never_panic(input in ".{0,200}") {
        let _ = parse(&input);
        let _ = parse_manual(&input);
    }

    #[test]
    fn random_strings_of_code_shape_never_panic(input in "[0-9A-Za-z -]{0,40}") {
        if let Ok(u) = parse_manual(&input) {
            let _ = u.verify(&KEY);
        }
        let _ = parse(&input);
    }
}
