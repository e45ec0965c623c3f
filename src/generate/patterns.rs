//! Name patterns: weighted templates with `{placeholders}`, written in English and in some of
//! French and Chinese, each language filled with the placeholders' values in that language.

use super::rng::Rng;
use super::tables::Record;
use std::borrow::Cow;

/// The languages of name patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Language {
    En,
    Fr,
    Zh,
}

/// A text with placeholders, split once into literal parts, each followed by a placeholder or,
/// for the last, by none.
pub(super) struct Template {
    text: &'static str,
    parts: Vec<(&'static str, Option<&'static str>)>,
}

impl Template {
    /// The template of `text`, `None` for a brace left open.
    fn parse(text: &'static str) -> Option<Self> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some((literal, after)) = rest.split_once('{') {
            let (key, after) = after.split_once('}')?;
            parts.push((literal, Some(key)));
            rest = after;
        }
        parts.push((rest, None));
        Some(Self { text, parts })
    }

    pub(super) fn uses(&self, key: &str) -> bool {
        self.parts.iter().any(|&(_, found)| found == Some(key))
    }

    fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.parts.iter().filter_map(|&(_, key)| key)
    }

    /// The text in `language`, each placeholder replaced by its value there.
    fn fill(&self, values: &Values, language: Language) -> String {
        let mut out = String::with_capacity(self.text.len() + 32);
        for &(literal, key) in &self.parts {
            out.push_str(literal);
            if let Some(key) = key {
                match values.entries.iter().find(|(k, _)| *k == key) {
                    Some((_, value)) => out.push_str(&value[language as usize]),
                    None => out.extend(["{", key, "}"]),
                }
            }
        }
        out
    }
}

/// A name pattern.
pub(super) struct Pattern {
    /// How often the pattern is drawn, relative to the others of its table.
    weight: u64,
    pub(super) en: Template,
    fr: Option<Template>,
    zh: Option<Template>,
    /// The placeholders of all its languages.
    keys: Vec<&'static str>,
    /// Whether English puts "the" before the name ("the World Internet Conference").
    pub(super) article: bool,
}

impl Pattern {
    /// The pattern in the fields of `record` from `first` on: the weight, then one field for
    /// each language (French may be `-`); every placeholder must be one of `placeholders`.
    pub(super) fn read(
        record: &Record,
        first: usize,
        languages: &[Language],
        placeholders: &[&str],
    ) -> Self {
        let weight: u64 = record.number(first);
        if weight == 0 {
            record.fail("a weight of 0");
        }
        let mut pattern = Self {
            weight,
            en: Template {
                text: "",
                parts: Vec::new(),
            },
            fr: None,
            zh: None,
            keys: Vec::new(),
            article: false,
        };
        for (offset, &language) in languages.iter().enumerate() {
            let column = first + 1 + offset;
            let text = match language {
                Language::Fr => record.optional(column),
                _ => Some(record.text(column)),
            };
            let template = text.map(|text| {
                Template::parse(text)
                    .filter(|template| template.keys().all(|key| placeholders.contains(&key)))
                    .unwrap_or_else(|| {
                        record.fail(&format!("column {} has an unknown placeholder", column + 1))
                    })
            });
            if let Some(template) = &template {
                pattern.keys.extend(template.keys());
            }
            match (language, template) {
                (Language::En, Some(template)) => pattern.en = template,
                (Language::Fr, template) => pattern.fr = template,
                (_, template) => pattern.zh = template,
            }
        }
        pattern
    }

    /// The pattern with the article its English starts with ("the ") taken off.
    pub(super) fn with_article(mut self) -> Self {
        if let Some(en) = self.en.text.strip_prefix("the ").and_then(Template::parse) {
            self.en = en;
            self.article = true;
        }
        self
    }

    /// Whether a language of the pattern has the placeholder `{key}`.
    pub(super) fn uses(&self, key: &str) -> bool {
        self.keys.contains(&key)
    }

    /// The names in each language of the pattern, its placeholders replaced by `values`.
    pub(super) fn fill(&self, values: &Values) -> Names {
        Names {
            en: self.en.fill(values, Language::En),
            fr: self.fr.as_ref().map(|fr| fr.fill(values, Language::Fr)),
            zh: self.zh.as_ref().map(|zh| zh.fill(values, Language::Zh)),
        }
    }
}

/// One of `patterns`, drawn by weight; a single pattern is taken without a draw.
pub(super) fn choose<'a>(r: &mut Rng, patterns: &'a [Pattern]) -> &'a Pattern {
    if let [only] = patterns {
        return only;
    }
    let total = patterns.iter().map(|pattern| pattern.weight).sum();
    let mut draw = r.below(total);
    for pattern in patterns {
        if draw < pattern.weight {
            return pattern;
        }
        draw -= pattern.weight;
    }
    &patterns[patterns.len() - 1]
}

/// A name filled in from a pattern.
pub(super) struct Names {
    pub(super) en: String,
    pub(super) fr: Option<String>,
    pub(super) zh: Option<String>,
}

/// The values of placeholders, in English, French and Chinese.
pub(super) struct Values {
    entries: Vec<(&'static str, [Cow<'static, str>; 3])>,
}

impl Values {
    pub(super) fn new() -> Self {
        Self {
            entries: Vec::with_capacity(8),
        }
    }

    pub(super) fn add(
        &mut self,
        key: &'static str,
        en: impl Into<Cow<'static, str>>,
        fr: impl Into<Cow<'static, str>>,
        zh: impl Into<Cow<'static, str>>,
    ) -> &mut Self {
        self.entries.push((key, [en.into(), fr.into(), zh.into()]));
        self
    }

    /// A value written alike in the three languages.
    pub(super) fn add_same(&mut self, key: &'static str, value: String) -> &mut Self {
        self.add(key, value.clone(), value.clone(), value)
    }
}
