//! Small operations on names: filling a topic in, capitals, initials, slugs, ordinals and
//! invented names.

use super::rng::Rng;
use super::tables::SYLLABLES;

/// Fills the one `{topic}` of a pattern.
pub(super) fn fill(pattern: &str, topic: &str) -> String {
    pattern.replacen("{topic}", topic, 1)
}

/// The first letter in upper case.
pub(super) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The initials of the significant words of a name, if there are at least two.
pub(super) fn initials(name: &str, stop_words: &[&str]) -> Option<String> {
    let letters: String = name
        .split([' ', '-'])
        .map(|word| {
            word.strip_prefix("l'")
                .or_else(|| word.strip_prefix("d'"))
                .unwrap_or(word)
        })
        .filter(|word| !word.is_empty() && !stop_words.contains(word))
        .filter_map(|word| word.chars().next())
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect();
    (letters.chars().count() >= 2).then_some(letters)
}

/// A lower-case kebab-case slug of ASCII letters and digits.
pub(super) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

pub(super) fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// An invented name of two or three syllables: Latin, Chinese.
pub(super) fn invented_name(r: &mut Rng) -> (String, String) {
    let count = if r.chance(0.3) { 3 } else { 2 };
    let mut latin = String::new();
    let mut chinese = String::new();
    for _ in 0..count {
        let (syllable, transcription) = r.pick(&SYLLABLES);
        latin.push_str(syllable);
        chinese.push_str(transcription);
    }
    (capitalized(&latin), chinese)
}
