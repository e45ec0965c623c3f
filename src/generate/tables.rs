//! The word lists and name patterns, read once from the data files in `names/`.
//!
//! A data file holds one record a line, its fields separated by tabs; empty lines and lines
//! starting with `#` (each file's description of its columns) are left out. `-` marks an
//! optional field left empty. The files are compiled in and parsed on first use; a malformed
//! file panics, naming the file and the line (the unit tests read every table).

use super::naming::{
    OrgKind, CITY_PLACEHOLDERS, ORGANIZATION_PLACEHOLDERS, REPORT_PLACEHOLDERS,
    SERIES_PLACEHOLDERS, VENUE_PLACEHOLDERS,
};
use super::patterns::{Language, Pattern};
use std::str::FromStr;
use std::sync::LazyLock;

/// A data file of `names/`: its name and its text.
macro_rules! data_file {
    ($name:literal) => {
        ($name, include_str!(concat!("names/", $name)))
    };
}

/// One line of a data file.
pub(super) struct Record {
    file: &'static str,
    line: usize,
    fields: Vec<&'static str>,
}

impl Record {
    /// Panics, naming the file and the line.
    pub(super) fn fail(&self, message: &str) -> ! {
        panic!("names/{}, line {}: {message}", self.file, self.line)
    }

    /// A field that must be given: not empty, not `-`, without spaces around it.
    pub(super) fn text(&self, column: usize) -> &'static str {
        let field = self.fields[column];
        if field.is_empty() || field == "-" || field.trim() != field {
            self.fail(&format!(
                "column {} must be given, without spaces around it",
                column + 1
            ));
        }
        field
    }

    /// A field that may be `-`, for none.
    pub(super) fn optional(&self, column: usize) -> Option<&'static str> {
        (self.fields[column] != "-").then(|| self.text(column))
    }

    /// A field that is one of two words.
    fn flag(&self, column: usize, yes: &str, no: &str) -> bool {
        match self.text(column) {
            field if field == yes => true,
            field if field == no => false,
            _ => self.fail(&format!("column {} is neither {yes} nor {no}", column + 1)),
        }
    }

    pub(super) fn number<T: FromStr>(&self, column: usize) -> T {
        self.text(column)
            .parse()
            .unwrap_or_else(|_| self.fail(&format!("column {} is not a number", column + 1)))
    }
}

/// The records of a data file, each with exactly `columns` fields.
fn records((file, text): (&'static str, &'static str), columns: usize) -> Vec<Record> {
    let records: Vec<Record> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(index, line)| Record {
            file,
            line: index + 1,
            fields: line.split('\t').collect(),
        })
        .collect();
    for record in &records {
        if record.fields.len() != columns {
            record.fail(&format!(
                "{} tab-separated columns instead of {columns}",
                record.fields.len()
            ));
        }
    }
    assert!(!records.is_empty(), "names/{file} has no records");
    records
}

/// A data file read into values, one a record.
fn read<T>(
    file: (&'static str, &'static str),
    columns: usize,
    make: impl Fn(&Record) -> T,
) -> Vec<T> {
    records(file, columns).iter().map(make).collect()
}

/// A list of words or phrases, one a line.
fn words(file: (&'static str, &'static str)) -> Vec<&'static str> {
    read(file, 1, |r| r.text(0))
}

/// A list of words with their Chinese.
fn with_chinese(file: (&'static str, &'static str)) -> Vec<(&'static str, &'static str)> {
    read(file, 2, |r| (r.text(0), r.text(1)))
}

// --- Topics and descriptions ----------------------------------------------------------------

/// A field of work, in the six UN languages, with the goals it serves. `fr`, `es` and `ar` carry
/// their article, `ru` is in the genitive.
pub(super) struct Topic {
    pub(super) en: &'static str,
    pub(super) text: &'static str,
    pub(super) fr: &'static str,
    pub(super) es: &'static str,
    pub(super) zh: &'static str,
    pub(super) ar: &'static str,
    pub(super) ru: &'static str,
    pub(super) goals: Vec<u8>,
}

pub(super) static TOPICS: LazyLock<Vec<Topic>> = LazyLock::new(|| {
    read(data_file!("topics.tsv"), 8, |r| Topic {
        en: r.text(0),
        text: r.text(1),
        fr: r.text(2),
        es: r.text(3),
        zh: r.text(4),
        ar: r.text(5),
        ru: r.text(6),
        goals: r
            .text(7)
            .split(' ')
            .map(|goal| match goal.parse() {
                Ok(goal @ 1..=17) => goal,
                _ => r.fail(&format!("{goal:?} is not a goal from 1 to 17")),
            })
            .collect(),
    })
});

/// Descriptions in the six UN languages (`{topic}` is the topic in that language).
pub(super) struct Descriptions {
    pub(super) en: &'static str,
    pub(super) fr: &'static str,
    pub(super) es: &'static str,
    pub(super) zh: &'static str,
    pub(super) ar: &'static str,
    pub(super) ru: &'static str,
}

/// The descriptions of one kind of entity (`organization`, `series`, `initiative`).
fn descriptions(subject: &str) -> Descriptions {
    let records = records(data_file!("descriptions.tsv"), 7);
    let Some(r) = records.iter().find(|r| r.text(0) == subject) else {
        panic!("names/descriptions.tsv describes no {subject}");
    };
    Descriptions {
        en: r.text(1),
        fr: r.text(2),
        es: r.text(3),
        zh: r.text(4),
        ar: r.text(5),
        ru: r.text(6),
    }
}

pub(super) static ORGANIZATION_DESCRIPTIONS: LazyLock<Descriptions> =
    LazyLock::new(|| descriptions("organization"));
pub(super) static SERIES_DESCRIPTIONS: LazyLock<Descriptions> =
    LazyLock::new(|| descriptions("series"));
pub(super) static INITIATIVE_DESCRIPTIONS: LazyLock<Descriptions> =
    LazyLock::new(|| descriptions("initiative"));

/// The English titles of the Sustainable Development Goals, as in the seed (UN SDG KOS).
pub(super) static GOALS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let goals = words(data_file!("goals.txt"));
    assert_eq!(goals.len(), 17, "names/goals.txt must hold the 17 goals");
    goals
});

/// Aims of initiatives (`{topic}` is the topic).
pub(super) static AIMS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(data_file!("aims.txt")));

/// Findings of surveys (`{topic}` is the topic).
pub(super) static FINDINGS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(data_file!("findings.txt")));

// --- Words of names -------------------------------------------------------------------------

/// A geographic scope: English, French masculine and feminine, Chinese.
pub(super) static SCOPES: LazyLock<Vec<(&str, &str, &str, &str)>> = LazyLock::new(|| {
    read(data_file!("scopes.tsv"), 4, |r| {
        (r.text(0), r.text(1), r.text(2), r.text(3))
    })
});

/// A kind of body: English, French, whether the French noun is feminine, Chinese.
pub(super) static BODIES: LazyLock<Vec<(&str, &str, bool, &str)>> = LazyLock::new(|| {
    read(data_file!("bodies.tsv"), 4, |r| {
        (
            r.text(0),
            r.text(1),
            r.flag(2, "feminine", "masculine"),
            r.text(3),
        )
    })
});

/// Government portfolios: English, Chinese.
pub(super) static PORTFOLIOS: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| with_chinese(data_file!("portfolios.tsv")));

/// Company name endings: English, Chinese.
pub(super) static COMPANY_ENDINGS: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| with_chinese(data_file!("company-endings.tsv")));

/// Regions of regional offices: English, French, Chinese.
pub(super) static REGIONS: LazyLock<Vec<(&str, &str, &str)>> = LazyLock::new(|| {
    read(data_file!("regions.tsv"), 3, |r| {
        (r.text(0), r.text(1), r.text(2))
    })
});

/// Fields of ITU-T style focus groups: English, the code after `FG-AI4`, Chinese.
pub(super) static FOCUS_FIELDS: LazyLock<Vec<(&str, &str, &str)>> = LazyLock::new(|| {
    read(data_file!("focus-fields.tsv"), 3, |r| {
        (r.text(0), r.text(1), r.text(2))
    })
});

/// Syllables of invented place and brand names: Latin, Chinese transcription.
pub(super) static SYLLABLES: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| with_chinese(data_file!("syllables.tsv")));

/// Endings of invented country names: Latin, Chinese.
pub(super) static COUNTRY_ENDINGS: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| with_chinese(data_file!("country-endings.tsv")));

/// Chinese family names: pinyin, characters.
pub(super) static CHINESE_FAMILY_NAMES: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| with_chinese(data_file!("chinese-family-names.tsv")));

/// Syllables of Chinese given names: pinyin, character.
pub(super) static CHINESE_GIVEN_SYLLABLES: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| with_chinese(data_file!("chinese-given-syllables.tsv")));

pub(super) static GIVEN_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(data_file!("given-names.txt")));

pub(super) static FAMILY_NAMES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(data_file!("family-names.txt")));

/// Words that acronyms leave out.
pub(super) static ENGLISH_STOP_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(data_file!("stop-words-en.txt")));
pub(super) static FRENCH_STOP_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(data_file!("stop-words-fr.txt")));

// --- Name patterns --------------------------------------------------------------------------

/// The name patterns of each kind of organisation, by `OrgKind as usize` (agencies, named in
/// code from [`BODIES`], have none).
pub(super) static ORGANIZATION_NAMES: LazyLock<Vec<Vec<Pattern>>> = LazyLock::new(|| {
    let mut by_kind: Vec<Vec<Pattern>> = OrgKind::ALL.iter().map(|_| Vec::new()).collect();
    for r in records(data_file!("organization-names.tsv"), 5) {
        let Some(&kind) = OrgKind::ALL.iter().find(|kind| kind.slug() == r.text(0)) else {
            r.fail("unknown kind of organisation");
        };
        let languages = [Language::En, Language::Fr, Language::Zh];
        let pattern = Pattern::read(&r, 1, &languages, ORGANIZATION_PLACEHOLDERS);
        by_kind[kind as usize].push(pattern.with_article());
    }
    for kind in OrgKind::ALL {
        let named = !by_kind[kind as usize].is_empty();
        assert!(
            named == (kind != OrgKind::Agency),
            "names/organization-names.tsv: {} patterns for {}",
            if named { "unexpected" } else { "no" },
            kind.slug()
        );
    }
    by_kind
});

/// Patterns of a data file: a weight, then names in `languages`.
pub(super) fn patterns(
    file: (&'static str, &'static str),
    languages: &[Language],
    placeholders: &[&str],
) -> Vec<Pattern> {
    read(file, 1 + languages.len(), |r| {
        Pattern::read(r, 0, languages, placeholders)
    })
}

pub(super) static SERIES_NAMES: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let languages = [Language::En, Language::Fr, Language::Zh];
    patterns(
        data_file!("series-names.tsv"),
        &languages,
        SERIES_PLACEHOLDERS,
    )
});

pub(super) static REPORT_NAMES: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let languages = [Language::En, Language::Zh];
    patterns(
        data_file!("report-names.tsv"),
        &languages,
        REPORT_PLACEHOLDERS,
    )
});

pub(super) static CITY_NAMES: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let languages = [Language::En, Language::Zh];
    patterns(data_file!("city-names.tsv"), &languages, CITY_PLACEHOLDERS)
});

pub(super) static VENUE_NAMES: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let languages = [Language::En, Language::Fr];
    patterns(
        data_file!("venue-names.tsv"),
        &languages,
        VENUE_PLACEHOLDERS,
    )
});

// --- Vocabularies and kinds of works --------------------------------------------------------

/// A role: IRI slug, English, French, Chinese.
pub(super) struct Role {
    pub(super) slug: &'static str,
    pub(super) en: &'static str,
    pub(super) fr: &'static str,
    pub(super) zh: &'static str,
}

pub(super) static ROLES: LazyLock<Vec<Role>> = LazyLock::new(|| {
    read(data_file!("roles.tsv"), 4, |r| Role {
        slug: r.text(0),
        en: r.text(1),
        fr: r.text(2),
        zh: r.text(3),
    })
});

/// Indices into [`ROLES`] (a unit test checks their slugs).
pub(super) const ROLE_SECRETARY_GENERAL: usize = 0;
pub(super) const ROLE_DEPUTY_SECRETARY_GENERAL: usize = 1;
pub(super) const ROLE_DIRECTOR_GENERAL: usize = 2;
pub(super) const ROLE_PRESIDENT: usize = 3;
pub(super) const ROLE_CHAIR: usize = 4;
pub(super) const ROLE_CO_CHAIR: usize = 5;
pub(super) const ROLE_VICE_CHAIR: usize = 6;
pub(super) const ROLE_DIRECTOR: usize = 7;
pub(super) const ROLE_HEAD: usize = 8;
pub(super) const ROLE_COORDINATOR: usize = 9;
pub(super) const ROLE_MINISTER: usize = 10;
pub(super) const ROLE_CEO: usize = 11;
pub(super) const ROLE_CTO: usize = 12;
pub(super) const ROLE_RECTOR: usize = 13;
pub(super) const ROLE_EXECUTIVE_DIRECTOR: usize = 14;
pub(super) const ROLE_CO_LEAD: usize = 15;
pub(super) const ROLE_LEAD: usize = 16;
pub(super) const ROLE_MEMBER: usize = 17;
pub(super) const ROLE_OBSERVER: usize = 18;

/// A kind of statement, as the seed defines it.
pub(super) struct StatementKind {
    pub(super) slug: &'static str,
    pub(super) label: &'static str,
    pub(super) definition: &'static str,
    /// How a statement of the kind is labelled after its speaker's name (`{topic}` is the
    /// topic).
    pub(super) summary: &'static str,
    /// The text of a statement of the kind.
    pub(super) text: &'static str,
}

pub(super) static STATEMENT_KINDS: LazyLock<Vec<StatementKind>> = LazyLock::new(|| {
    read(data_file!("statement-kinds.tsv"), 5, |r| StatementKind {
        slug: r.text(0),
        label: r.text(1),
        definition: r.text(2),
        summary: r.text(3),
        text: r.text(4),
    })
});

/// Kinds of organisation (`org:classification`): slug, English, French, Chinese.
pub(super) static ORGANIZATION_KINDS: LazyLock<Vec<(&str, &str, &str, &str)>> =
    LazyLock::new(|| {
        read(data_file!("organization-kinds.tsv"), 4, |r| {
            (r.text(0), r.text(1), r.text(2), r.text(3))
        })
    });

/// Formats of sessions within events.
pub(super) static SESSION_FORMATS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| words(data_file!("session-formats.txt")));

/// A kind of document.
pub(super) struct DocumentKind {
    /// The English title (`{topic}` is the topic).
    pub(super) title: &'static str,
    /// The French title, if any.
    pub(super) fr_title: Option<&'static str>,
    /// Whether it is also a `schema:Report`.
    pub(super) report: bool,
    /// Whether it states a number of principles.
    pub(super) principles: bool,
}

pub(super) static DOCUMENT_KINDS: LazyLock<Vec<DocumentKind>> = LazyLock::new(|| {
    read(data_file!("document-kinds.tsv"), 4, |r| DocumentKind {
        title: r.text(0),
        fr_title: r.optional(1),
        report: r.flag(2, "yes", "no"),
        principles: r.flag(3, "yes", "no"),
    })
});

/// Reads every table, so that a malformed data file fails the tests.
#[cfg(test)]
pub(super) fn read_all() {
    LazyLock::force(&TOPICS);
    LazyLock::force(&ORGANIZATION_DESCRIPTIONS);
    LazyLock::force(&SERIES_DESCRIPTIONS);
    LazyLock::force(&INITIATIVE_DESCRIPTIONS);
    LazyLock::force(&GOALS);
    LazyLock::force(&AIMS);
    LazyLock::force(&FINDINGS);
    LazyLock::force(&SCOPES);
    LazyLock::force(&BODIES);
    LazyLock::force(&PORTFOLIOS);
    LazyLock::force(&COMPANY_ENDINGS);
    LazyLock::force(&REGIONS);
    LazyLock::force(&FOCUS_FIELDS);
    LazyLock::force(&SYLLABLES);
    LazyLock::force(&COUNTRY_ENDINGS);
    LazyLock::force(&CHINESE_FAMILY_NAMES);
    LazyLock::force(&CHINESE_GIVEN_SYLLABLES);
    LazyLock::force(&GIVEN_NAMES);
    LazyLock::force(&FAMILY_NAMES);
    LazyLock::force(&ENGLISH_STOP_WORDS);
    LazyLock::force(&FRENCH_STOP_WORDS);
    LazyLock::force(&ORGANIZATION_NAMES);
    LazyLock::force(&SERIES_NAMES);
    LazyLock::force(&REPORT_NAMES);
    LazyLock::force(&CITY_NAMES);
    LazyLock::force(&VENUE_NAMES);
    LazyLock::force(&ROLES);
    LazyLock::force(&STATEMENT_KINDS);
    LazyLock::force(&ORGANIZATION_KINDS);
    LazyLock::force(&SESSION_FORMATS);
    LazyLock::force(&DOCUMENT_KINDS);
}
