//! Synthetic graphs in kgql's own ontology, for benchmarks from thousands to millions of triples.
//!
//! [`generate`] writes N-Quads that model what the seed graph (`ontology/seed.trig`) models, the
//! way it models it: formal organisations with units in hierarchies
//! (`org:subOrganizationOf` / `org:hasSubOrganization`), focus groups, working groups and
//! networks with qualified memberships (`org:Membership` with `org:member`, `org:organization`,
//! `org:role`), posts (`org:Post`, `org:postIn`, `org:role`, `org:heldBy` / `org:holds`,
//! `org:hasPost`) held by people, initiatives with their aims, event series with dated editions
//! and sub-events at places, meetings, statements, report series with editions and counts,
//! documents, surveys with findings and action plans, links to the Sustainable Development Goals
//! (the seed's `http://metadata.un.org/sdg/N` IRIs), labels in several languages and
//! descriptions in the six UN languages. As in the seed, every standard super-type, every
//! super-property and both directions of inverse pairs are asserted in the same graph, because
//! the server does no inference; the output conforms to `ontology/shapes.ttl` on its own and
//! together with the seed.
//!
//! Sources and graphs follow the seed's layout: each entity's facts go to the named graph of
//! one source (`{base}source/gen-N`), names in other languages than English and the controlled
//! vocabularies (roles, kinds) to `{base}graph/gen-editorial`, and every source and graph is
//! described (`prov:Entity`, `dcterms:title`, publisher or creator, URL) in the seed's graph
//! `{base}graph/sources`. Every generated entity IRI has a slug starting with `gen-`, so none
//! collides with the seed's. Two facts of the seed are repeated, word for word, in the graph
//! `{base}source/gen-reference`, so that the output conforms on its own: the 17 goals (types,
//! titles, notations) and ITU's Wikidata identifier, which a shape requires of `{base}org/itu`
//! whatever the data. `kgql seed` replaces the graph `{base}graph/sources`: seed the store
//! before loading generated data to keep the descriptions of the generated sources.
//!
//! Degrees are skewed as in real networks. Parents, organisers, publishers, members, speakers,
//! cited documents and sources are drawn with a bias towards older entities (index `⌊n·u³⌋` or
//! `⌊n·u²⌋` for a uniform `u`), a cumulative advantage that makes a few early entities hubs and
//! leaves most entities with one or two links.
//!
//! The output is a stream: names are never stored but recomputed from an entity's number
//! whenever another label mentions it, so memory holds only numbers (kinds and pools of
//! organisations, edition counters, dates of events, the pairs of memberships so that none is
//! written twice), a few bytes per entity: about 30 MB for ten million triples. Everything is
//! drawn from a hand-written SplitMix64 generator: the same options give byte-identical output.

use oxigraph::model::NamedNode;
use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// The number of triples to aim at. Generation stops at the first entity boundary at or past
    /// it, a few triples over; below about a thousand, the fixed part (sources, places, goals,
    /// vocabularies and a few large organisations) alone is larger.
    pub triples: u64,
    /// The seed of the pseudo-random generator.
    pub seed: u64,
    /// The namespace of the entities, ending with `/` or `#` (`https://w3id.org/kgql/id/`).
    pub base_iri: String,
}

/// What [`generate`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The quads written, one per line.
    pub quads: u64,
    /// The entities described (organisations, people, posts, events, works, places, concepts...).
    pub entities: u64,
}

/// Writes a synthetic graph as N-Quads to `output` (buffered here); fails if the base IRI is not
/// an absolute IRI ending with `/` or `#`, or on the first write error.
pub fn generate<W: Write>(output: W, options: &Options) -> io::Result<Summary> {
    let base = &options.base_iri;
    if NamedNode::new(base.as_str()).is_err() || !(base.ends_with('/') || base.ends_with('#')) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("base IRI '{base}' is not an absolute IRI ending with '/' or '#'"),
        ));
    }
    let mut generator = Generator::new(output, options);
    generator.run();
    generator.finish()
}

// =============================================================================================
// Terms
// =============================================================================================

macro_rules! rdf {
    ($local:literal) => {
        concat!("<http://www.w3.org/1999/02/22-rdf-syntax-ns#", $local, ">")
    };
}
macro_rules! rdfs {
    ($local:literal) => {
        concat!("<http://www.w3.org/2000/01/rdf-schema#", $local, ">")
    };
}
macro_rules! xsd {
    ($local:literal) => {
        concat!("<http://www.w3.org/2001/XMLSchema#", $local, ">")
    };
}
macro_rules! skos {
    ($local:literal) => {
        concat!("<http://www.w3.org/2004/02/skos/core#", $local, ">")
    };
}
macro_rules! org {
    ($local:literal) => {
        concat!("<http://www.w3.org/ns/org#", $local, ">")
    };
}
macro_rules! schema {
    ($local:literal) => {
        concat!("<http://schema.org/", $local, ">")
    };
}
macro_rules! dcterms {
    ($local:literal) => {
        concat!("<http://purl.org/dc/terms/", $local, ">")
    };
}
macro_rules! prov {
    ($local:literal) => {
        concat!("<http://www.w3.org/ns/prov#", $local, ">")
    };
}
macro_rules! dcat {
    ($local:literal) => {
        concat!("<http://www.w3.org/ns/dcat#", $local, ">")
    };
}
macro_rules! time {
    ($local:literal) => {
        concat!("<http://www.w3.org/2006/time#", $local, ">")
    };
}
macro_rules! foaf {
    ($local:literal) => {
        concat!("<http://xmlns.com/foaf/0.1/", $local, ">")
    };
}
macro_rules! kg {
    ($local:literal) => {
        concat!("<https://w3id.org/kgql/ontology#", $local, ">")
    };
}

const TYPE: &str = rdf!("type");
const PREF_LABEL: &str = skos!("prefLabel");
const ALT_LABEL: &str = skos!("altLabel");
const LABEL: &str = rdfs!("label");
const NOTE: &str = skos!("note");
const DESCRIPTION: &str = schema!("description");
const TITLE: &str = dcterms!("title");
const XSD_INTEGER: &str = xsd!("integer");
const XSD_DATE: &str = xsd!("date");
const XSD_GYEAR: &str = xsd!("gYear");
const XSD_GYEAR_MONTH: &str = xsd!("gYearMonth");
const GOAL_PREFIX: &str = "<http://metadata.un.org/sdg/";
const SDGO_GOAL: &str = "<http://metadata.un.org/sdg/ontology#Goal>";

/// The object of a quad.
enum Object<'a> {
    Iri(&'a str),
    Text(&'a str, &'a str),
    Plain(&'a str),
    Typed(&'a str, &'a str),
    Integer(u64),
}

/// The graphs every output has, by index; the sources follow from [`FIRST_SOURCE`].
const SOURCES_GRAPH: usize = 0;
const EDITORIAL_GRAPH: usize = 1;
const REFERENCE_GRAPH: usize = 2;
const FIRST_SOURCE: usize = 3;

/// The N-Quads writer: counts quads and keeps the first write error (later writes are dropped).
struct Quads<W: Write> {
    out: BufWriter<W>,
    line: Vec<u8>,
    graphs: Vec<String>,
    current: usize,
    count: u64,
    error: Option<io::Error>,
}

impl<W: Write> Quads<W> {
    fn emit(&mut self, graph: usize, subject: &str, predicate: &str, object: Object<'_>) {
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(subject.as_bytes());
        line.push(b' ');
        line.extend_from_slice(predicate.as_bytes());
        line.push(b' ');
        match object {
            Object::Iri(iri) => line.extend_from_slice(iri.as_bytes()),
            Object::Text(text, language) => {
                quoted(line, text);
                line.push(b'@');
                line.extend_from_slice(language.as_bytes());
            }
            Object::Plain(text) => quoted(line, text),
            Object::Typed(lexical, datatype) => {
                quoted(line, lexical);
                line.extend_from_slice(b"^^");
                line.extend_from_slice(datatype.as_bytes());
            }
            Object::Integer(n) => {
                line.push(b'"');
                push_number(line, n);
                line.extend_from_slice(b"\"^^");
                line.extend_from_slice(XSD_INTEGER.as_bytes());
            }
        }
        line.push(b' ');
        line.extend_from_slice(self.graphs[graph].as_bytes());
        line.extend_from_slice(b" .\n");
        self.count += 1;
        if self.error.is_none() {
            if let Err(error) = self.out.write_all(&self.line) {
                self.error = Some(error);
            }
        }
    }
}

/// Appends a string literal, escaped as N-Quads requires.
fn quoted(line: &mut Vec<u8>, text: &str) {
    line.push(b'"');
    for &byte in text.as_bytes() {
        match byte {
            b'"' => line.extend_from_slice(b"\\\""),
            b'\\' => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            _ => line.push(byte),
        }
    }
    line.push(b'"');
}

/// Appends the decimal digits of `n`.
fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

fn gyear(year: u32) -> String {
    format!("{year:04}")
}

fn gyear_month(year: u32, month: u32) -> String {
    format!("{year:04}-{month:02}")
}

fn date(year: u32, month: u32, day: u32) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

/// A date packed as `yyyymmdd`, 0 for none.
fn pack_date(year: u32, month: u32, day: u32) -> u32 {
    year * 10_000 + month * 100 + day
}

// =============================================================================================
// Pseudo-random numbers
// =============================================================================================

/// SplitMix64's output function: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 (Steele, Lea and Flood): small, fast and good enough for synthetic data.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(mix(seed ^ 0x6B67_716C_2D67_656E))
    }

    /// The generator of one entity's names: a function of the seed, a kind and a number only, so
    /// a name can be recomputed whenever it is needed.
    fn keyed(seed: u64, tag: u64, id: u64) -> Self {
        Self(mix(
            seed ^ mix(tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ mix(id))
        ))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// An index into a slice of `n > 0` items.
    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// A uniform number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An index in `0..n`, strongly biased towards 0: the top 1% of indices get a fifth of the
    /// draws (the hubs).
    fn older(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * u * n as f64) as usize).min(n - 1)
    }

    /// An index in `0..n`, biased towards 0: the top 1% of indices get a tenth of the draws.
    fn old(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

/// Two organisation numbers as one key.
fn pair(group: u32, member: u32) -> u64 {
    (u64::from(group) << 32) | u64::from(member)
}

/// The tags of keyed generators, one per kind of named thing.
const TAG_ORG: u64 = 1;
const TAG_PERSON: u64 = 2;
const TAG_SERIES: u64 = 3;
const TAG_REPORT: u64 = 4;
const TAG_COUNTRY: u64 = 5;
const TAG_CITY: u64 = 6;
const TAG_MEMBERSHIP: u64 = 7;
const TAG_SOURCE: u64 = 8;

// =============================================================================================
// Word lists
// =============================================================================================

/// A field of work, in the six UN languages, with the goals it serves. `fr`, `es` and `ar` carry
/// their article, `ru` is in the genitive.
struct Topic {
    en: &'static str,
    text: &'static str,
    fr: &'static str,
    es: &'static str,
    zh: &'static str,
    ar: &'static str,
    ru: &'static str,
    goals: &'static [u8],
}

#[allow(clippy::too_many_arguments)]
const fn topic(
    en: &'static str,
    text: &'static str,
    fr: &'static str,
    es: &'static str,
    zh: &'static str,
    ar: &'static str,
    ru: &'static str,
    goals: &'static [u8],
) -> Topic {
    Topic {
        en,
        text,
        fr,
        es,
        zh,
        ar,
        ru,
        goals,
    }
}

#[rustfmt::skip]
const TOPICS: &[Topic] = &[
    topic("Artificial Intelligence", "artificial intelligence", "l'intelligence artificielle", "la inteligencia artificial", "人工智能", "الذكاء الاصطناعي", "искусственного интеллекта", &[9, 17]),
    topic("Data Governance", "data governance", "la gouvernance des données", "la gobernanza de datos", "数据治理", "حوكمة البيانات", "управления данными", &[16, 17]),
    topic("Digital Cooperation", "digital cooperation", "la coopération numérique", "la cooperación digital", "数字合作", "التعاون الرقمي", "цифрового сотрудничества", &[17]),
    topic("AI Ethics", "the ethics of AI", "l'éthique de l'intelligence artificielle", "la ética de la inteligencia artificial", "人工智能伦理", "أخلاقيات الذكاء الاصطناعي", "этики искусственного интеллекта", &[16]),
    topic("Digital Health", "digital health", "la santé numérique", "la salud digital", "数字健康", "الصحة الرقمية", "цифрового здравоохранения", &[3]),
    topic("Sustainable Development", "sustainable development", "le développement durable", "el desarrollo sostenible", "可持续发展", "التنمية المستدامة", "устойчивого развития", &[8, 12, 17]),
    topic("Cybersecurity", "cybersecurity", "la cybersécurité", "la ciberseguridad", "网络安全", "الأمن السيبراني", "кибербезопасности", &[9, 16]),
    topic("Digital Inclusion", "digital inclusion", "l'inclusion numérique", "la inclusión digital", "数字包容", "الشمول الرقمي", "цифровой инклюзивности", &[5, 10]),
    topic("Climate Action", "climate action", "l'action climatique", "la acción climática", "气候行动", "العمل المناخي", "борьбы с изменением климата", &[7, 13]),
    topic("Digital Public Infrastructure", "digital public infrastructure", "l'infrastructure publique numérique", "la infraestructura pública digital", "数字公共基础设施", "البنية التحتية الرقمية العامة", "цифровой общественной инфраструктуры", &[9, 11]),
    topic("Standardization", "standardization", "la normalisation", "la normalización", "标准化", "التقييس", "стандартизации", &[9]),
    topic("Capacity Building", "capacity building", "le renforcement des capacités", "el fortalecimiento de capacidades", "能力建设", "بناء القدرات", "наращивания потенциала", &[4, 17]),
    topic("Food Security", "food security", "la sécurité alimentaire", "la seguridad alimentaria", "粮食安全", "الأمن الغذائي", "продовольственной безопасности", &[2]),
    topic("Disaster Risk Reduction", "disaster risk reduction", "la réduction des risques de catastrophe", "la reducción del riesgo de desastres", "减少灾害风险", "الحد من مخاطر الكوارث", "снижения риска бедствий", &[11, 13]),
    topic("Education Technology", "education technology", "les technologies éducatives", "la tecnología educativa", "教育技术", "تكنولوجيا التعليم", "образовательных технологий", &[4]),
    topic("Smart Cities", "smart cities", "les villes intelligentes", "las ciudades inteligentes", "智慧城市", "المدن الذكية", "умных городов", &[11]),
    topic("Open Science", "open science", "la science ouverte", "la ciencia abierta", "开放科学", "العلم المفتوح", "открытой науки", &[9, 17]),
    topic("Autonomous Systems", "autonomous systems", "les systèmes autonomes", "los sistemas autónomos", "自主系统", "الأنظمة المستقلة", "автономных систем", &[9]),
    topic("Gender Equality in Technology", "gender equality in technology", "l'égalité des genres dans les technologies", "la igualdad de género en la tecnología", "科技领域性别平等", "المساواة بين الجنسين في التكنولوجيا", "гендерного равенства в сфере технологий", &[5]),
    topic("Water Management", "water management", "la gestion de l'eau", "la gestión del agua", "水资源管理", "إدارة المياه", "управления водными ресурсами", &[6]),
    topic("Ocean Data", "ocean data", "les données océaniques", "los datos oceánicos", "海洋数据", "بيانات المحيطات", "океанических данных", &[14]),
    topic("Biodiversity Monitoring", "biodiversity monitoring", "le suivi de la biodiversité", "el seguimiento de la biodiversidad", "生物多样性监测", "رصد التنوع البيولوجي", "мониторинга биоразнообразия", &[15]),
    topic("Financial Inclusion", "financial inclusion", "l'inclusion financière", "la inclusión financiera", "普惠金融", "الشمول المالي", "финансовой доступности", &[1, 8]),
    topic("Clean Energy", "clean energy", "l'énergie propre", "la energía limpia", "清洁能源", "الطاقة النظيفة", "чистой энергетики", &[7]),
];

/// A geographic scope: English, French masculine and feminine, Chinese.
#[rustfmt::skip]
const SCOPES: &[(&str, &str, &str, &str)] = &[
    ("International", "international", "internationale", "国际"),
    ("Global", "mondial", "mondiale", "全球"),
    ("World", "mondial", "mondiale", "世界"),
    ("Regional", "régional", "régionale", "区域"),
    ("Intergovernmental", "intergouvernemental", "intergouvernementale", "政府间"),
    ("African", "africain", "africaine", "非洲"),
    ("Asia-Pacific", "Asie-Pacifique", "Asie-Pacifique", "亚太"),
    ("European", "européen", "européenne", "欧洲"),
    ("Arab", "arabe", "arabe", "阿拉伯"),
    ("Latin American", "latino-américain", "latino-américaine", "拉丁美洲"),
    ("Caribbean", "caribéen", "caribéenne", "加勒比"),
    ("Pan-American", "panaméricain", "panaméricaine", "泛美"),
    ("Nordic", "nordique", "nordique", "北欧"),
    ("Mediterranean", "méditerranéen", "méditerranéenne", "地中海"),
];

/// A kind of body: English, French, whether the French noun is feminine, Chinese.
#[rustfmt::skip]
const BODIES: &[(&str, &str, bool, &str)] = &[
    ("Agency", "Agence", true, "署"),
    ("Council", "Conseil", false, "理事会"),
    ("Institute", "Institut", false, "研究所"),
    ("Alliance", "Alliance", true, "联盟"),
    ("Centre", "Centre", false, "中心"),
    ("Commission", "Commission", true, "委员会"),
    ("Union", "Union", true, "联盟"),
    ("Federation", "Fédération", true, "联合会"),
    ("Organization", "Organisation", true, "组织"),
    ("Observatory", "Observatoire", false, "观察站"),
    ("Association", "Association", true, "协会"),
    ("Fund", "Fonds", false, "基金"),
    ("Programme", "Programme", false, "规划署"),
    ("Authority", "Autorité", true, "管理局"),
];

/// Government portfolios: English, Chinese.
#[rustfmt::skip]
const PORTFOLIOS: &[(&str, &str)] = &[
    ("Digital Affairs", "数字事务"),
    ("Science and Technology", "科学技术"),
    ("Communications and Information Technology", "通信和信息技术"),
    ("Foreign Affairs", "外交"),
    ("Innovation", "创新"),
    ("Digital Transformation", "数字化转型"),
    ("Industry and Information Technology", "工业和信息化"),
    ("Economic Development", "经济发展"),
    ("Education", "教育"),
    ("Health", "卫生"),
];

/// Company name endings: English, Chinese.
#[rustfmt::skip]
const COMPANY_ENDINGS: &[(&str, &str)] = &[
    ("Group", "集团"),
    ("Technologies", "科技"),
    ("Labs", "实验室"),
    ("Systems", "系统"),
    ("Networks", "网络"),
    ("Telecom", "电信"),
    ("Digital", "数字"),
    ("Analytics", "分析"),
];

/// Regions of regional offices: English, French, Chinese.
#[rustfmt::skip]
const REGIONS: &[(&str, &str, &str)] = &[
    ("Africa", "l'Afrique", "非洲"),
    ("the Arab States", "les États arabes", "阿拉伯国家"),
    ("Asia and the Pacific", "l'Asie et le Pacifique", "亚洲及太平洋"),
    ("Europe", "l'Europe", "欧洲"),
    ("the Americas", "les Amériques", "美洲"),
];

/// Fields of ITU-T style focus groups: English, the code after `FG-AI4`, Chinese.
#[rustfmt::skip]
const FOCUS_FIELDS: &[(&str, &str, &str)] = &[
    ("Health", "H", "健康"),
    ("Autonomous and Assisted Driving", "AD", "自动驾驶和辅助驾驶"),
    ("Environmental Efficiency", "EE", "环境效率"),
    ("Natural Disaster Management", "NDM", "自然灾害管理"),
    ("Digital Agriculture", "A", "数字农业"),
    ("Education", "E", "教育"),
    ("Smart Cities", "SC", "智慧城市"),
    ("Water Management", "WM", "水资源管理"),
    ("Energy Efficiency", "EN", "能效"),
    ("Financial Inclusion", "FI", "普惠金融"),
    ("Public Health Emergencies", "PHE", "突发公共卫生事件"),
    ("Climate Resilience", "CR", "气候韧性"),
    ("Multimedia Authenticity", "MA", "多媒体真实性"),
];

/// Syllables of invented place and brand names: Latin, Chinese transcription.
#[rustfmt::skip]
const SYLLABLES: &[(&str, &str)] = &[
    ("ka", "卡"), ("la", "拉"), ("ma", "马"), ("na", "纳"), ("sa", "萨"), ("ta", "塔"), ("va", "瓦"),
    ("da", "达"), ("ri", "里"), ("li", "利"), ("mi", "米"), ("ni", "尼"), ("si", "西"), ("ti", "蒂"),
    ("vi", "维"), ("lo", "洛"), ("mo", "莫"), ("no", "诺"), ("ro", "罗"), ("to", "托"), ("ve", "韦"),
    ("le", "莱"), ("ne", "内"), ("re", "雷"), ("se", "塞"), ("te", "特"), ("ben", "本"), ("dor", "多尔"),
    ("gal", "加尔"), ("kor", "科尔"), ("lan", "兰"), ("mar", "马尔"), ("nor", "诺尔"), ("sol", "索尔"),
    ("tan", "坦"), ("val", "瓦尔"), ("zan", "赞"), ("mon", "蒙"), ("ber", "贝尔"), ("cas", "卡斯"),
    ("del", "德尔"), ("fen", "芬"), ("har", "哈尔"), ("jor", "约尔"), ("quin", "昆"), ("tor", "托尔"),
    ("es", "埃斯"), ("or", "奥"),
];

/// Endings of invented country names: Latin, Chinese.
#[rustfmt::skip]
const COUNTRY_ENDINGS: &[(&str, &str)] = &[
    ("ia", "亚"),
    ("land", "兰"),
    ("stan", "斯坦"),
    ("ova", "瓦"),
    ("ar", "尔"),
    ("ica", "卡"),
    ("onia", "尼亚"),
    ("ene", "内"),
];

/// Chinese family names: pinyin, characters.
#[rustfmt::skip]
const CHINESE_FAMILY_NAMES: &[(&str, &str)] = &[
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"),
    ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"), ("Sun", "孙"),
    ("Ma", "马"), ("Zhu", "朱"), ("Hu", "胡"), ("Guo", "郭"), ("He", "何"), ("Lin", "林"), ("Gao", "高"),
    ("Luo", "罗"), ("Zheng", "郑"), ("Liang", "梁"), ("Xie", "谢"), ("Song", "宋"), ("Tang", "唐"),
    ("Han", "韩"), ("Feng", "冯"), ("Deng", "邓"), ("Cao", "曹"), ("Peng", "彭"), ("Zeng", "曾"),
    ("Xiao", "肖"), ("Tian", "田"), ("Dong", "董"), ("Pan", "潘"), ("Yuan", "袁"), ("Cai", "蔡"),
    ("Jiang", "蒋"), ("Du", "杜"), ("Ye", "叶"), ("Cheng", "程"), ("Wei", "魏"), ("Su", "苏"),
    ("Ding", "丁"), ("Ren", "任"), ("Shen", "沈"), ("Yao", "姚"), ("Cui", "崔"), ("Zhong", "钟"),
    ("Tan", "谭"), ("Fan", "范"), ("Jin", "金"), ("Shi", "石"), ("Xiong", "熊"),
];

/// Syllables of Chinese given names: pinyin, character.
#[rustfmt::skip]
const CHINESE_GIVEN_SYLLABLES: &[(&str, &str)] = &[
    ("wei", "伟"), ("fang", "芳"), ("min", "敏"), ("jing", "静"), ("li", "丽"), ("qiang", "强"),
    ("lei", "磊"), ("jun", "军"), ("yang", "洋"), ("yong", "勇"), ("yan", "艳"), ("jie", "杰"),
    ("tao", "涛"), ("ming", "明"), ("chao", "超"), ("xiu", "秀"), ("xia", "霞"), ("ping", "平"),
    ("gang", "刚"), ("hui", "慧"), ("hua", "华"), ("jian", "建"), ("guo", "国"), ("hong", "红"),
    ("xin", "欣"), ("yu", "宇"), ("hao", "浩"), ("kai", "凯"), ("lin", "琳"), ("xiao", "晓"), ("bo", "博"),
    ("wen", "文"), ("rong", "荣"), ("xian", "贤"), ("liang", "良"), ("zhi", "志"), ("feng", "峰"),
    ("yi", "毅"), ("ning", "宁"), ("dong", "东"), ("hai", "海"), ("yun", "云"), ("peng", "鹏"),
    ("rui", "瑞"), ("shan", "珊"), ("qing", "清"), ("zhen", "振"), ("bin", "斌"),
];

#[rustfmt::skip]
const GIVEN_NAMES: &[&str] = &[
    "Amina", "Carlos", "Elena", "Tomas", "Doreen", "Gabriela", "Kwame", "Priya", "Olga", "Ahmed",
    "Fatima", "Lars", "Ingrid", "Jean-Pierre", "Sofia", "Mateo", "Yuki", "Hiroshi", "Aisha", "Omar",
    "Dmitri", "Anastasia", "Nkechi", "Diego", "Lucia", "Maria", "Hannah", "Samuel", "Ravi", "Leila",
    "Rafael", "Ana", "Ivan", "Natalia", "Chloé", "Pierre", "Kofi", "Zainab", "Mohammed", "Layla",
    "Sergei", "Irina", "Juan", "Camila", "Arjun", "Ananya", "Kenji", "Akiko", "Thabo", "Wanjiru",
    "Emma", "Lukas", "Nour", "Youssef", "Miguel", "Valentina", "Helena", "Jonas", "Mariam", "Karim",
    "Isabel", "Tariq", "Aleksandra", "Eun-ji", "Minh", "Adaeze", "Björn",
];

#[rustfmt::skip]
const FAMILY_NAMES: &[&str] = &[
    "Okafor", "Fernández", "Ivanov", "Haddad", "Nakamura", "Mensah", "Rossi", "Silva", "Kowalski",
    "Lindqvist", "Dubois", "García", "Petrov", "Khan", "Sharma", "Mwangi", "Hernández", "Novak",
    "Jensen", "Costa", "Saïd", "Tanaka", "Kim", "Nguyen", "Owusu", "Moreau", "Schmidt", "Romero",
    "Abdullah", "Volkov", "Banda", "Müller", "Andersen", "Kovačević", "Papadopoulos", "Yilmaz",
    "Mahmoud", "Ochieng", "Adeyemi", "Rahman", "Iyer", "Sato", "Ramos", "Martin", "Cohen",
    "O'Brien", "Castillo", "Vargas", "Park", "Tran", "Diallo", "Kariuki", "Alvarez", "Ferreira",
    "Nilsson", "Bianchi", "Zhou-Martin", "El-Amin", "Santos", "Okonkwo",
];

/// A role: IRI slug, English, French, Chinese.
struct Role {
    slug: &'static str,
    en: &'static str,
    fr: &'static str,
    zh: &'static str,
}

const fn role(slug: &'static str, en: &'static str, fr: &'static str, zh: &'static str) -> Role {
    Role { slug, en, fr, zh }
}

#[rustfmt::skip]
const ROLES: &[Role] = &[
    role("secretary-general", "Secretary-General", "Secrétaire général", "秘书长"),
    role("deputy-secretary-general", "Deputy Secretary-General", "Vice-Secrétaire général", "副秘书长"),
    role("director-general", "Director-General", "Directeur général", "总干事"),
    role("president", "President", "Président", "主席"),
    role("chair", "Chair", "Président du conseil", "主席"),
    role("co-chair", "Co-Chair", "Coprésident", "联合主席"),
    role("vice-chair", "Vice-Chair", "Vice-président", "副主席"),
    role("director", "Director", "Directeur", "主任"),
    role("head", "Head", "Chef", "负责人"),
    role("coordinator", "Coordinator", "Coordonnateur", "协调员"),
    role("minister", "Minister", "Ministre", "部长"),
    role("chief-executive-officer", "Chief Executive Officer", "Directeur général délégué", "首席执行官"),
    role("chief-technology-officer", "Chief Technology Officer", "Directeur technique", "首席技术官"),
    role("rector", "Rector", "Recteur", "校长"),
    role("executive-director", "Executive Director", "Directeur exécutif", "执行主任"),
    role("co-lead", "Co-lead", "Co-responsable", "联合牵头方"),
    role("lead", "Lead", "Responsable", "牵头方"),
    role("member", "Member", "Membre", "成员"),
    role("observer", "Observer", "Observateur", "观察员"),
];

const ROLE_SECRETARY_GENERAL: usize = 0;
const ROLE_DEPUTY_SECRETARY_GENERAL: usize = 1;
const ROLE_DIRECTOR_GENERAL: usize = 2;
const ROLE_PRESIDENT: usize = 3;
const ROLE_CHAIR: usize = 4;
const ROLE_CO_CHAIR: usize = 5;
const ROLE_VICE_CHAIR: usize = 6;
const ROLE_DIRECTOR: usize = 7;
const ROLE_HEAD: usize = 8;
const ROLE_COORDINATOR: usize = 9;
const ROLE_MINISTER: usize = 10;
const ROLE_CEO: usize = 11;
const ROLE_CTO: usize = 12;
const ROLE_RECTOR: usize = 13;
const ROLE_EXECUTIVE_DIRECTOR: usize = 14;
const ROLE_CO_LEAD: usize = 15;
const ROLE_LEAD: usize = 16;
const ROLE_MEMBER: usize = 17;
const ROLE_OBSERVER: usize = 18;

/// Kinds of statement, as the seed defines them: slug, label, definition, and how a statement
/// of the kind is labelled and summarised (`{}` is the topic).
#[rustfmt::skip]
const STATEMENT_KINDS: &[(&str, &str, &str, &str, &str)] = &[
    ("call", "Call", "The speaker calls on others to act or advocates an attitude.", "calls for cooperation on {}", "Called for closer international cooperation on {}."),
    ("commitment", "Commitment", "The speaker commits their organisation to an action or declares it ready to act.", "commits to supporting {}", "Committed to supporting {} initiatives in developing countries."),
    ("acknowledgement", "Acknowledgement", "The speaker welcomes, thanks, congratulates or praises someone.", "welcomes progress on {}", "Welcomed the progress made on {} since the previous meeting."),
    ("observation", "Observation", "The speaker notes, emphasises or highlights a fact.", "on the importance of {}", "Emphasized the importance of {} for achieving the Sustainable Development Goals."),
    ("expectation", "Expectation", "The speaker looks forward to a future development.", "looks forward to cooperation on {}", "Expressed anticipation for deeper cooperation on {} in the coming years."),
];

/// Kinds of organisation (`org:classification`): slug, English, French, Chinese.
#[rustfmt::skip]
const ORGANIZATION_KINDS: &[(&str, &str, &str, &str)] = &[
    ("intergovernmental-organization", "Intergovernmental organization", "Organisation intergouvernementale", "政府间组织"),
    ("government-body", "Government body", "Organisme public", "政府机构"),
    ("company", "Company", "Entreprise", "企业"),
    ("academic-institution", "Academic institution", "Établissement universitaire", "学术机构"),
    ("non-governmental-organization", "Non-governmental organization", "Organisation non gouvernementale", "非政府组织"),
];

/// The English titles of the Sustainable Development Goals, as in the seed (UN SDG KOS).
const GOALS: [&str; 17] = [
    "End poverty in all its forms everywhere",
    "End hunger, achieve food security and improved nutrition and promote sustainable agriculture",
    "Ensure healthy lives and promote well-being for all at all ages",
    "Ensure inclusive and equitable quality education and promote lifelong learning opportunities for all",
    "Achieve gender equality and empower all women and girls",
    "Ensure availability and sustainable management of water and sanitation for all",
    "Ensure access to affordable, reliable, sustainable and modern energy for all",
    "Promote sustained, inclusive and sustainable economic growth, full and productive employment and decent work for all",
    "Build resilient infrastructure, promote inclusive and sustainable industrialization and foster innovation",
    "Reduce inequality within and among countries",
    "Make cities and human settlements inclusive, safe, resilient and sustainable",
    "Ensure sustainable consumption and production patterns",
    "Take urgent action to combat climate change and its impacts",
    "Conserve and sustainably use the oceans, seas and marine resources for sustainable development",
    "Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably manage forests, combat desertification, and halt and reverse land degradation and halt biodiversity loss",
    "Promote peaceful and inclusive societies for sustainable development, provide access to justice for all and build effective, accountable and inclusive institutions at all levels",
    "Strengthen the means of implementation and revitalize the Global Partnership for Sustainable Development",
];

/// Descriptions in the six UN languages (`{}` is the topic in that language).
struct Descriptions {
    en: &'static str,
    fr: &'static str,
    es: &'static str,
    zh: &'static str,
    ar: &'static str,
    ru: &'static str,
}

const ORGANIZATION_DESCRIPTIONS: Descriptions = Descriptions {
    en: "An organization working on {}.",
    fr: "Organisation qui œuvre pour {}.",
    es: "Organización que trabaja por {}.",
    zh: "致力于{}的组织。",
    ar: "منظمة تعمل في مجال {}.",
    ru: "Организация, работающая в области {}.",
};

const SERIES_DESCRIPTIONS: Descriptions = Descriptions {
    en: "A recurring conference on {}.",
    fr: "Conférence régulière sur {}.",
    es: "Conferencia periódica sobre {}.",
    zh: "关于{}的定期会议。",
    ar: "مؤتمر دوري حول {}.",
    ru: "Регулярная конференция по вопросам {}.",
};

const INITIATIVE_DESCRIPTIONS: Descriptions = Descriptions {
    en: "A multi-stakeholder initiative on {}.",
    fr: "Initiative multipartite pour {}.",
    es: "Iniciativa multiactor para {}.",
    zh: "关于{}的多利益攸关方倡议。",
    ar: "مبادرة متعددة أصحاب المصلحة في مجال {}.",
    ru: "Инициатива с участием многих заинтересованных сторон в области {}.",
};

/// Aims of initiatives (`{}` is the topic).
const AIMS: &[&str] = &[
    "Identify practical applications of {}",
    "Scale {} solutions for global impact",
    "Accelerate progress towards the SDGs through {}",
    "Build capacity in {}",
    "Share knowledge and good practices on {}",
    "Foster inclusive dialogue on {}",
];

/// Findings of surveys (`{}` is the topic).
const FINDINGS: &[&str] = &[
    "Ministries in charge of {} are leading the way",
    "There is a strong interest in capacity-building in {}",
    "Most respondents have adopted a national strategy on {}",
    "Funding remains the main barrier to {}",
    "Public-private partnerships drive progress in {}",
    "Member States recognize the importance of international work on {}",
];

/// Formats of sessions within events.
const SESSION_FORMATS: &[&str] = &[
    "Roundtable",
    "High-level panel",
    "Workshop",
    "Keynote session",
    "Fireside chat",
    "Ministerial roundtable",
    "Side event",
    "Breakout session",
];

/// Kinds of document: title pattern (`{}` is the topic), whether it is also a `schema:Report`,
/// whether it states a number of principles.
const DOCUMENT_KINDS: &[(&str, bool, bool)] = &[
    ("Principles for the Ethical Use of {}", false, true),
    ("Recommendation on {}", false, false),
    ("White Paper on {}", true, false),
    ("Guidelines on {}", false, true),
    ("Framework for {}", false, false),
    ("Roadmap for {}", false, false),
    ("Policy Brief on {}", true, false),
    ("Declaration on {}", false, true),
    ("Toolkit for {}", false, false),
];

/// Fills the one `{}` of a pattern.
fn fill(pattern: &str, value: &str) -> String {
    pattern.replacen("{}", value, 1)
}

/// The first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const ENGLISH_STOP_WORDS: &[&str] = &["for", "of", "the", "and", "on", "in", "to"];
const FRENCH_STOP_WORDS: &[&str] = &[
    "pour", "la", "le", "les", "de", "des", "du", "sur", "et", "dans", "en",
];

/// The initials of the significant words of a name, if there are at least two.
fn initials(name: &str, stop_words: &[&str]) -> Option<String> {
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
fn slug(text: &str) -> String {
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

fn ordinal(n: u32) -> String {
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
fn invented_name(r: &mut Rng) -> (String, String) {
    let count = if r.chance(0.3) { 3 } else { 2 };
    let mut latin = String::new();
    let mut chinese = String::new();
    for _ in 0..count {
        let (syllable, transcription) = r.pick(SYLLABLES);
        latin.push_str(syllable);
        chinese.push_str(transcription);
    }
    (capitalized(&latin), chinese)
}

// =============================================================================================
// Names of entities, recomputed from their numbers
// =============================================================================================

/// The kinds of organisation, stored one byte each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OrgKind {
    Agency,
    Government,
    Company,
    University,
    Foundation,
    Unit,
    FocusGroup,
    WorkingGroup,
    Network,
    Initiative,
}

impl OrgKind {
    fn is_formal(self) -> bool {
        matches!(
            self,
            Self::Agency | Self::Government | Self::Company | Self::University | Self::Foundation
        )
    }

    /// The `concept/gen-organization-kind-…` index of `org:classification`.
    fn classification(self) -> Option<usize> {
        match self {
            Self::Agency => Some(0),
            Self::Government => Some(1),
            Self::Company => Some(2),
            Self::University => Some(3),
            Self::Foundation => Some(4),
            _ => None,
        }
    }

    /// The roles of posts in such an organisation.
    fn post_roles(self) -> &'static [usize] {
        match self {
            Self::Agency => &[
                ROLE_SECRETARY_GENERAL,
                ROLE_DEPUTY_SECRETARY_GENERAL,
                ROLE_DIRECTOR_GENERAL,
                ROLE_PRESIDENT,
                ROLE_CHAIR,
            ],
            Self::Government => &[ROLE_MINISTER, ROLE_DIRECTOR_GENERAL, ROLE_DIRECTOR],
            Self::Company => &[ROLE_CEO, ROLE_CTO, ROLE_PRESIDENT, ROLE_CHAIR],
            Self::University => &[ROLE_RECTOR, ROLE_PRESIDENT, ROLE_DIRECTOR],
            Self::Foundation => &[ROLE_PRESIDENT, ROLE_CHAIR, ROLE_EXECUTIVE_DIRECTOR],
            Self::Unit => &[ROLE_DIRECTOR, ROLE_HEAD, ROLE_CHAIR, ROLE_VICE_CHAIR],
            Self::FocusGroup => &[ROLE_CHAIR, ROLE_VICE_CHAIR],
            Self::WorkingGroup | Self::Network => &[ROLE_CHAIR, ROLE_CO_CHAIR, ROLE_COORDINATOR],
            Self::Initiative => &[ROLE_COORDINATOR, ROLE_HEAD, ROLE_CHAIR],
        }
    }
}

/// An organisation's names.
struct OrgName {
    en: String,
    fr: Option<String>,
    zh: Option<String>,
    acronym: Option<String>,
    fr_acronym: Option<String>,
    /// Whether English puts "the" before the name ("the World Internet Conference").
    article: bool,
    topic: usize,
    /// The city it is located in.
    city: u32,
    /// The slug of its website's host name.
    host: String,
}

impl OrgName {
    /// The name after "of" or "at": "the International Telecommunication Union".
    fn the(&self) -> String {
        if self.article {
            format!("the {}", self.en)
        } else {
            self.en.clone()
        }
    }

    /// The acronym if it has one, else the name: how a membership's label names the member.
    fn short(&self) -> &str {
        self.acronym.as_deref().unwrap_or(&self.en)
    }
}

/// A person's names.
struct PersonName {
    en: String,
    given: String,
    family: String,
    zh: Option<String>,
    /// The name as some sources write it, family name in capitals.
    alt: String,
}

/// An event series' names and calendar.
struct SeriesName {
    en: String,
    fr: Option<String>,
    zh: String,
    acronym: Option<String>,
    topic: usize,
    city: u32,
    start: u32,
    month: u32,
    day: u32,
}

/// A report series' names and calendar.
struct ReportName {
    en: String,
    zh: String,
    topic: usize,
    start: u32,
    /// Years between editions.
    step: u32,
}

// =============================================================================================
// The generator
// =============================================================================================

/// The quads left to write below which only people are added, so that the output ends a few
/// triples past the target.
const TAIL: u64 = 64;

/// The first organisations, intergovernmental hubs that publish the sources.
const HUB_ORGANIZATIONS: usize = 8;

/// What the main loop adds, with weights.
#[derive(Clone, Copy, Debug)]
enum Step {
    Formal,
    Unit,
    FocusGroup,
    WorkingGroup,
    Network,
    Initiative,
    Person,
    Post,
    Join,
    Series,
    Edition,
    SubEvent,
    Meeting,
    Statement,
    ReportSeries,
    ReportEdition,
    Document,
    Survey,
    Plan,
}

const STEPS: &[(Step, u32)] = &[
    (Step::Formal, 14),
    (Step::Unit, 12),
    (Step::FocusGroup, 2),
    (Step::WorkingGroup, 4),
    (Step::Network, 2),
    (Step::Initiative, 2),
    (Step::Person, 10),
    (Step::Post, 20),
    (Step::Join, 22),
    (Step::Series, 3),
    (Step::Edition, 12),
    (Step::SubEvent, 10),
    (Step::Meeting, 4),
    (Step::Statement, 10),
    (Step::ReportSeries, 2),
    (Step::ReportEdition, 7),
    (Step::Document, 8),
    (Step::Survey, 1),
    (Step::Plan, 3),
];

struct SeriesState {
    organizer: u32,
    editions: u16,
}

struct ReportState {
    publisher: u32,
    editions: u16,
}

struct Generator<W: Write> {
    q: Quads<W>,
    rng: Rng,
    seed: u64,
    base: String,
    target: u64,
    sources: usize,
    countries: u32,
    cities: u32,
    entities: u64,
    org_kind: Vec<OrgKind>,
    /// The formal organisation at the top of each organisation's hierarchy.
    org_root: Vec<u32>,
    formal: Vec<u32>,
    governments: Vec<u32>,
    /// Formal organisations and units: parents of units, members of groups.
    hosts: Vec<u32>,
    /// Working groups and networks: what organisations join.
    collaborations: Vec<u32>,
    working_groups: Vec<u32>,
    initiatives: Vec<u32>,
    people: u32,
    posts: u32,
    /// The start date of each event (packed, 0 when unknown).
    events: Vec<u32>,
    meetings: u32,
    series: Vec<SeriesState>,
    reports: Vec<ReportState>,
    documents: u32,
    plans: u32,
    statements: u32,
    venues: u32,
    blank_nodes: u32,
    /// The (group, member) pairs of the memberships written, so that none is written twice.
    memberships: HashSet<u64>,
}

impl<W: Write> Generator<W> {
    fn new(output: W, options: &Options) -> Self {
        let target = options.triples;
        let base = options.base_iri.clone();
        let sources = (target / 40_000).clamp(8, 250) as usize;
        let countries = (target / 20_000).clamp(12, 190) as u32;
        let cities = (target / 1_000).clamp(40, 20_000) as u32;
        let cities = cities.div_ceil(countries) * countries;
        let mut graphs = vec![
            format!("<{base}graph/sources>"),
            format!("<{base}graph/gen-editorial>"),
            format!("<{base}source/gen-reference>"),
        ];
        graphs.extend((0..sources).map(|i| format!("<{base}source/gen-{i}>")));
        Self {
            q: Quads {
                out: BufWriter::with_capacity(1 << 16, output),
                line: Vec::with_capacity(512),
                graphs,
                current: SOURCES_GRAPH,
                count: 0,
                error: None,
            },
            rng: Rng::new(options.seed),
            seed: options.seed,
            base,
            target,
            sources,
            countries,
            cities,
            entities: 0,
            org_kind: Vec::new(),
            org_root: Vec::new(),
            formal: Vec::new(),
            governments: Vec::new(),
            hosts: Vec::new(),
            collaborations: Vec::new(),
            working_groups: Vec::new(),
            initiatives: Vec::new(),
            people: 0,
            posts: 0,
            events: Vec::new(),
            meetings: 0,
            series: Vec::new(),
            reports: Vec::new(),
            documents: 0,
            plans: 0,
            statements: 0,
            venues: 0,
            blank_nodes: 0,
            memberships: HashSet::new(),
        }
    }

    fn finish(mut self) -> io::Result<Summary> {
        if let Some(error) = self.q.error.take() {
            return Err(error);
        }
        self.q.out.flush()?;
        Ok(Summary {
            quads: self.q.count,
            entities: self.entities,
        })
    }

    fn run(&mut self) {
        self.backbone();
        let total: u32 = STEPS.iter().map(|(_, weight)| weight).sum();
        while self.q.count < self.target && self.q.error.is_none() {
            self.choose_source();
            if self.target - self.q.count < TAIL {
                self.person();
                continue;
            }
            let mut draw = self.rng.below(u64::from(total)) as u32;
            let mut step = Step::Person;
            for &(candidate, weight) in STEPS {
                if draw < weight {
                    step = candidate;
                    break;
                }
                draw -= weight;
            }
            match step {
                Step::Formal => {
                    let kind = *self.rng.pick(&[
                        OrgKind::Agency,
                        OrgKind::Agency,
                        OrgKind::Agency,
                        OrgKind::Government,
                        OrgKind::Government,
                        OrgKind::Company,
                        OrgKind::Company,
                        OrgKind::University,
                        OrgKind::Foundation,
                        OrgKind::Foundation,
                    ]);
                    self.formal_organization(kind);
                }
                Step::Unit => self.unit(),
                Step::FocusGroup => self.focus_group(),
                Step::WorkingGroup => self.collaboration(OrgKind::WorkingGroup),
                Step::Network => self.collaboration(OrgKind::Network),
                Step::Initiative => self.initiative(),
                Step::Person => {
                    self.person();
                }
                Step::Post => self.post_step(),
                Step::Join => self.join(),
                Step::Series => {
                    self.event_series();
                }
                Step::Edition => self.edition(),
                Step::SubEvent => self.sub_event(),
                Step::Meeting => self.meeting(),
                Step::Statement => self.statement(),
                Step::ReportSeries => {
                    self.report_series();
                }
                Step::ReportEdition => self.report_edition(),
                Step::Document => self.document(),
                Step::Survey => self.survey(),
                Step::Plan => self.plan(),
            }
        }
    }

    /// Sends the next entity's facts to a source, the first sources more often.
    fn choose_source(&mut self) {
        self.q.current = FIRST_SOURCE + self.rng.old(self.sources);
    }

    // --- Writing ------------------------------------------------------------------------------

    fn link(&mut self, subject: &str, predicate: &str, object: &str) {
        self.q
            .emit(self.q.current, subject, predicate, Object::Iri(object));
    }

    /// A text; other languages than English go to the editorial graph, as in the seed.
    fn text(&mut self, subject: &str, predicate: &str, text: &str, language: &str) {
        let graph = if language == "en" {
            self.q.current
        } else {
            EDITORIAL_GRAPH
        };
        self.q
            .emit(graph, subject, predicate, Object::Text(text, language));
    }

    fn plain(&mut self, subject: &str, predicate: &str, text: &str) {
        self.q
            .emit(self.q.current, subject, predicate, Object::Plain(text));
    }

    fn typed(&mut self, subject: &str, predicate: &str, lexical: &str, datatype: &str) {
        self.q.emit(
            self.q.current,
            subject,
            predicate,
            Object::Typed(lexical, datatype),
        );
    }

    fn integer(&mut self, subject: &str, predicate: &str, n: u64) {
        self.q
            .emit(self.q.current, subject, predicate, Object::Integer(n));
    }

    fn types(&mut self, subject: &str, classes: &[&str]) {
        self.entities += 1;
        for class in classes {
            self.link(subject, TYPE, class);
        }
    }

    /// The English preferred label and `rdfs:label`, and names in French and Chinese.
    fn labels(&mut self, subject: &str, en: &str, fr: Option<&str>, zh: Option<&str>) {
        self.text(subject, PREF_LABEL, en, "en");
        self.text(subject, LABEL, en, "en");
        if let Some(fr) = fr {
            self.text(subject, PREF_LABEL, fr, "fr");
        }
        if let Some(zh) = zh {
            self.text(subject, PREF_LABEL, zh, "zh");
        }
    }

    /// A property and the super-property the seed asserts next to it.
    fn link2(&mut self, subject: &str, predicates: [&str; 2], object: &str) {
        self.link(subject, predicates[0], object);
        self.link(subject, predicates[1], object);
    }

    /// Descriptions in English and, for some entities, in further UN languages.
    fn describe(&mut self, subject: &str, topic: usize, descriptions: &Descriptions) {
        let topic = &TOPICS[topic];
        self.text(
            subject,
            DESCRIPTION,
            &fill(descriptions.en, topic.text),
            "en",
        );
        let translations = [
            (descriptions.fr, topic.fr, "fr"),
            (descriptions.es, topic.es, "es"),
            (descriptions.zh, topic.zh, "zh"),
            (descriptions.ar, topic.ar, "ar"),
            (descriptions.ru, topic.ru, "ru"),
        ];
        for (pattern, value, language) in translations {
            if self.rng.chance(0.3) {
                self.text(subject, DESCRIPTION, &fill(pattern, value), language);
            }
        }
    }

    /// `kg:servesGoal` and `dcterms:relation` to the goals of a topic and a few more.
    fn goals(&mut self, subject: &str, topic: usize) {
        let mut goals: u32 = 0;
        if self.rng.chance(0.04) {
            goals = (1 << 18) - 2;
        } else {
            for &goal in TOPICS[topic].goals {
                goals |= 1 << goal;
            }
            for _ in 0..self.rng.below(3) {
                goals |= 1 << self.rng.range(1, 17);
            }
        }
        for goal in 1..=17u32 {
            if goals & (1 << goal) != 0 {
                let iri = format!("{GOAL_PREFIX}{goal}>");
                self.link2(subject, [kg!("servesGoal"), dcterms!("relation")], &iri);
            }
        }
    }

    /// A blank node of a period of time (`dcterms:PeriodOfTime`, `time:ProperInterval`).
    fn period(&mut self, from: u32, to: u32) -> String {
        self.blank_nodes += 1;
        let node = format!("_:gen-period-{}", self.blank_nodes);
        self.link(&node, TYPE, dcterms!("PeriodOfTime"));
        self.link(&node, TYPE, time!("ProperInterval"));
        self.typed(&node, dcat!("startDate"), &gyear(from), XSD_GYEAR);
        self.typed(&node, dcat!("endDate"), &gyear(to), XSD_GYEAR);
        node
    }

    // --- IRIs ---------------------------------------------------------------------------------

    /// `<{base}{kind}/gen-{id}>`.
    fn iri(&self, kind: &str, id: u64) -> String {
        let mut out = Vec::with_capacity(self.base.len() + kind.len() + 16);
        out.push(b'<');
        out.extend_from_slice(self.base.as_bytes());
        out.extend_from_slice(kind.as_bytes());
        out.extend_from_slice(b"/gen-");
        push_number(&mut out, id);
        out.push(b'>');
        String::from_utf8(out).unwrap_or_default()
    }

    /// `<{base}{kind}/gen-{a}-{b}>`.
    fn iri2(&self, kind: &str, a: u64, b: u64) -> String {
        format!("<{}{kind}/gen-{a}-{b}>", self.base)
    }

    /// `<{base}{kind}/gen-{name}>`.
    fn named(&self, kind: &str, name: &str) -> String {
        format!("<{}{kind}/gen-{name}>", self.base)
    }

    fn org_iri(&self, id: u32) -> String {
        let kind = match self.org_kind[id as usize] {
            OrgKind::Initiative => "initiative",
            _ => "org",
        };
        self.iri(kind, u64::from(id))
    }

    fn person_iri(&self, id: u32) -> String {
        self.iri("person", u64::from(id))
    }

    fn event_iri(&self, id: u32) -> String {
        self.iri("event", u64::from(id))
    }

    fn meeting_iri(&self, id: u32) -> String {
        self.iri("meeting", u64::from(id))
    }

    fn series_iri(&self, id: u32) -> String {
        self.iri("series", u64::from(id))
    }

    fn city_iri(&self, city: u32) -> String {
        self.named("place", &format!("city-{city}"))
    }

    fn country_iri(&self, country: u32) -> String {
        self.named("place", &format!("country-{country}"))
    }

    fn role_iri(&self, role: usize) -> String {
        self.named("concept", &format!("role-{}", ROLES[role].slug))
    }

    fn source_iri(&self, index: usize) -> String {
        self.q.graphs[index].clone()
    }

    // --- Names --------------------------------------------------------------------------------

    fn country_name(&self, country: u32) -> (String, String) {
        let mut r = Rng::keyed(self.seed, TAG_COUNTRY, u64::from(country));
        let (stem, stem_zh) = invented_name(&mut r);
        let (ending, ending_zh) = r.pick(COUNTRY_ENDINGS);
        (format!("{stem}{ending}"), format!("{stem_zh}{ending_zh}"))
    }

    /// A city's names; city `c` lies in country `c % countries`, the first one of each country
    /// being its capital.
    fn city_name(&self, city: u32) -> (String, String) {
        let mut r = Rng::keyed(self.seed, TAG_CITY, u64::from(city));
        let (stem, stem_zh) = invented_name(&mut r);
        match r.below(10) {
            0 => (format!("Port {stem}"), format!("{stem_zh}港")),
            1 => (format!("San {stem}"), format!("圣{stem_zh}")),
            2 => (format!("New {stem}"), format!("新{stem_zh}")),
            3 => (format!("{stem}burg"), format!("{stem_zh}堡")),
            _ => (stem, stem_zh),
        }
    }

    fn org_name(&self, id: u32) -> OrgName {
        let kind = self.org_kind[id as usize];
        let mut r = Rng::keyed(self.seed, TAG_ORG, u64::from(id));
        let topic = r.index(TOPICS.len());
        let t = &TOPICS[topic];
        let mut city = r.below(u64::from(self.cities)) as u32;
        let (scope, scope_m, scope_f, scope_zh) = *r.pick(SCOPES);
        let mut article = true;
        let mut fr = None;
        let mut brand = None;
        let mut focus_code = None;
        let (en, zh) = match kind {
            OrgKind::Agency => {
                let (body, body_fr, feminine, body_zh) = *r.pick(BODIES);
                let en = if r.chance(0.35) {
                    format!("{scope} {} {body}", t.en)
                } else {
                    format!("{scope} {body} for {}", t.en)
                };
                let adjective = if feminine { scope_f } else { scope_m };
                fr = Some(format!("{body_fr} {adjective} pour {}", t.fr));
                (en, format!("{scope_zh}{}{body_zh}", t.zh))
            }
            OrgKind::Government => {
                let country = r.below(u64::from(self.countries)) as u32;
                let per_country = self.cities / self.countries;
                city = country + self.countries * r.below(u64::from(per_country.min(2))) as u32;
                let (name, name_zh) = self.country_name(country);
                match r.below(5) {
                    0 => (format!("Government of {name}"), format!("{name_zh}政府")),
                    1 | 2 => {
                        let (portfolio, portfolio_zh) = *r.pick(PORTFOLIOS);
                        (
                            format!("Ministry of {portfolio} of {name}"),
                            format!("{name_zh}{portfolio_zh}部"),
                        )
                    }
                    _ => (
                        format!("National {} Authority of {name}", t.en),
                        format!("{name_zh}国家{}管理局", t.zh),
                    ),
                }
            }
            OrgKind::Company => {
                article = false;
                let (name, name_zh) = invented_name(&mut r);
                let (ending, ending_zh) = *r.pick(COMPANY_ENDINGS);
                brand = Some(slug(&name));
                (format!("{name} {ending}"), format!("{name_zh}{ending_zh}"))
            }
            OrgKind::University => {
                let (name, name_zh) = self.city_name(city);
                match r.below(3) {
                    0 => {
                        fr = Some(format!("Université de {name}"));
                        (format!("University of {name}"), format!("{name_zh}大学"))
                    }
                    1 => (
                        format!("{name} Institute of Technology"),
                        format!("{name_zh}理工学院"),
                    ),
                    _ => {
                        fr = Some(format!("Académie des sciences de {name}"));
                        (
                            format!("{name} Academy of Sciences"),
                            format!("{name_zh}科学院"),
                        )
                    }
                }
            }
            OrgKind::Foundation => {
                let (name, name_zh) = invented_name(&mut r);
                match r.below(3) {
                    0 => {
                        fr = Some(format!("Fondation {name}"));
                        brand = Some(slug(&name));
                        (format!("{name} Foundation"), format!("{name_zh}基金会"))
                    }
                    1 => {
                        fr = Some(format!("Fondation pour {}", t.fr));
                        (
                            format!("Foundation for {}", t.en),
                            format!("{}基金会", t.zh),
                        )
                    }
                    _ => {
                        brand = Some(slug(&name));
                        (
                            format!("{name} Institute for {}", t.en),
                            format!("{name_zh}{}研究院", t.zh),
                        )
                    }
                }
            }
            OrgKind::Unit => match r.below(8) {
                0 => (format!("Department of {}", t.en), format!("{}司", t.zh)),
                1 => {
                    fr = Some(format!("Bureau pour {}", t.fr));
                    (format!("Bureau for {}", t.en), format!("{}局", t.zh))
                }
                2 => (format!("Office for {}", t.en), format!("{}办公室", t.zh)),
                3 => (format!("Division of {}", t.en), format!("{}处", t.zh)),
                4 | 5 => {
                    let n = r.range(1, 20);
                    fr = Some(format!("Commission d'études {n}"));
                    (format!("Study Group {n}"), format!("第{n}研究组"))
                }
                6 => {
                    fr = Some(format!("Comité sur {}", t.fr));
                    (format!("Committee on {}", t.en), format!("{}委员会", t.zh))
                }
                _ => {
                    let (region, region_fr, region_zh) = *r.pick(REGIONS);
                    fr = Some(format!("Bureau régional pour {region_fr}"));
                    (
                        format!("Regional Office for {region}"),
                        format!("{region_zh}区域办事处"),
                    )
                }
            },
            OrgKind::FocusGroup => {
                let (field, code, field_zh) = *r.pick(FOCUS_FIELDS);
                focus_code = Some(code);
                (
                    format!("Focus Group on AI for {field}"),
                    format!("人工智能促进{field_zh}焦点组"),
                )
            }
            OrgKind::WorkingGroup => match r.below(5) {
                0 | 1 => {
                    fr = Some(format!("Groupe de travail interinstitutions sur {}", t.fr));
                    (
                        format!("Inter-Agency Working Group on {}", t.en),
                        format!("{}机构间工作组", t.zh),
                    )
                }
                2 => {
                    fr = Some(format!("Groupe de travail sur {}", t.fr));
                    (
                        format!("Working Group on {}", t.en),
                        format!("{}工作组", t.zh),
                    )
                }
                3 => {
                    fr = Some(format!("Groupe d'experts sur {}", t.fr));
                    (
                        format!("Expert Group on {}", t.en),
                        format!("{}专家组", t.zh),
                    )
                }
                _ => {
                    fr = Some(format!("Équipe spéciale sur {}", t.fr));
                    (
                        format!("Task Force on {}", t.en),
                        format!("{}特别工作组", t.zh),
                    )
                }
            },
            OrgKind::Network => match r.below(3) {
                0 => {
                    fr = Some(format!("Réseau {scope_m} sur {}", t.fr));
                    (
                        format!("{scope} Network on {}", t.en),
                        format!("{scope_zh}{}网络", t.zh),
                    )
                }
                1 => {
                    fr = Some(format!("Conseil {scope_m} pour {}", t.fr));
                    (
                        format!("{scope} Board for {}", t.en),
                        format!("{scope_zh}{}委员会", t.zh),
                    )
                }
                _ => {
                    fr = Some(format!("Coalition {scope_f} pour {}", t.fr));
                    (
                        format!("{scope} Coalition for {}", t.en),
                        format!("{scope_zh}{}联盟", t.zh),
                    )
                }
            },
            OrgKind::Initiative => match r.below(4) {
                0 => {
                    article = false;
                    fr = Some(format!("{} au service du bien commun", capitalized(t.fr)));
                    (format!("{} for Good", t.en), format!("{}向善", t.zh))
                }
                1 => {
                    fr = Some(format!("Initiative mondiale sur {}", t.fr));
                    (
                        format!("Global Initiative on {}", t.en),
                        format!("全球{}倡议", t.zh),
                    )
                }
                2 => (
                    format!("{} Partnership for the SDGs", t.en),
                    format!("{}促进可持续发展目标伙伴关系", t.zh),
                ),
                _ => {
                    let (name, name_zh) = invented_name(&mut r);
                    brand = Some(slug(&name));
                    (
                        format!("{name} Platform for {}", t.en),
                        format!("{name_zh}{}平台", t.zh),
                    )
                }
            },
        };
        let acronym = match kind {
            OrgKind::Company | OrgKind::Government => None,
            OrgKind::FocusGroup => focus_code.map(|code| format!("FG-AI4{code}")),
            OrgKind::Unit => en.strip_prefix("Study Group ").map(|n| format!("SG{n}")),
            OrgKind::WorkingGroup => {
                let prefix = initials(en.split(" on ").next().unwrap_or(&en), &[]);
                let topic_initials = initials(t.en, ENGLISH_STOP_WORDS);
                prefix.map(|prefix| match topic_initials {
                    Some(topic) => format!("{prefix}-{topic}"),
                    None => prefix,
                })
            }
            _ => initials(&en, ENGLISH_STOP_WORDS),
        };
        let fr_acronym = match kind {
            OrgKind::Agency | OrgKind::Network => {
                fr.as_deref().and_then(|fr| initials(fr, FRENCH_STOP_WORDS))
            }
            _ => None,
        };
        let host = brand
            .or_else(|| acronym.as_deref().map(slug))
            .unwrap_or_else(|| slug(&en));
        OrgName {
            en,
            fr,
            zh: Some(zh),
            acronym,
            fr_acronym,
            article,
            topic,
            city,
            host,
        }
    }

    fn person_name(&self, id: u32) -> PersonName {
        let mut r = Rng::keyed(self.seed, TAG_PERSON, u64::from(id));
        if r.chance(0.25) {
            let (family, family_zh) = *r.pick(CHINESE_FAMILY_NAMES);
            let mut given = String::new();
            let mut given_zh = String::new();
            for _ in 0..if r.chance(0.7) { 2 } else { 1 } {
                let (syllable, character) = r.pick(CHINESE_GIVEN_SYLLABLES);
                given.push_str(syllable);
                given_zh.push_str(character);
            }
            let given = capitalized(&given);
            PersonName {
                en: format!("{family} {given}"),
                alt: format!("{given} {}", family.to_uppercase()),
                given,
                family: family.to_owned(),
                zh: Some(format!("{family_zh}{given_zh}")),
            }
        } else {
            let given = (*r.pick(GIVEN_NAMES)).to_owned();
            let family = if r.chance(0.06) {
                format!("{}-{}", r.pick(FAMILY_NAMES), r.pick(FAMILY_NAMES))
            } else {
                (*r.pick(FAMILY_NAMES)).to_owned()
            };
            PersonName {
                en: format!("{given} {family}"),
                alt: format!("{given} {}", family.to_uppercase()),
                given,
                family,
                zh: None,
            }
        }
    }

    fn series_name(&self, id: u32) -> SeriesName {
        let mut r = Rng::keyed(self.seed, TAG_SERIES, u64::from(id));
        let topic = r.index(TOPICS.len());
        let t = &TOPICS[topic];
        let city = r.below(u64::from(self.cities)) as u32;
        let (scope, scope_m, _, scope_zh) = *r.pick(SCOPES);
        let (city_name, city_zh) = self.city_name(city);
        let (en, fr, zh) = match r.below(6) {
            0 | 1 => (
                format!("{scope} Summit on {}", t.en),
                Some(format!("Sommet {scope_m} sur {}", t.fr)),
                format!("{scope_zh}{}峰会", t.zh),
            ),
            2 => (
                format!("{city_name} Forum on {}", t.en),
                Some(format!("Forum de {city_name} sur {}", t.fr)),
                format!("{city_zh}{}论坛", t.zh),
            ),
            3 => (
                format!("World Conference on {}", t.en),
                Some(format!("Conférence mondiale sur {}", t.fr)),
                format!("世界{}大会", t.zh),
            ),
            4 => (
                format!("{} Global Summit", t.en),
                None,
                format!("{}全球峰会", t.zh),
            ),
            _ => (
                format!("{city_name} Dialogue on {}", t.en),
                None,
                format!("{city_zh}{}对话", t.zh),
            ),
        };
        let u = r.unit();
        SeriesName {
            acronym: initials(&en, ENGLISH_STOP_WORDS),
            en,
            fr,
            zh,
            topic,
            city,
            start: 2022 - (u * u * 26.0) as u32,
            month: r.range(1, 12),
            day: r.range(1, 22),
        }
    }

    fn report_name(&self, id: u32) -> ReportName {
        let mut r = Rng::keyed(self.seed, TAG_REPORT, u64::from(id));
        let topic = r.index(TOPICS.len());
        let t = &TOPICS[topic];
        let (scope, _, _, scope_zh) = *r.pick(SCOPES);
        let (en, zh) = match r.below(6) {
            0 => (format!("State of {}", t.en), format!("{}状况", t.zh)),
            1 => (format!("{} Outlook", t.en), format!("{}展望", t.zh)),
            2 => (
                format!("Annual Review of {}", t.en),
                format!("{}年度回顾", t.zh),
            ),
            3 => (
                format!("{scope} {} Index", t.en),
                format!("{scope_zh}{}指数", t.zh),
            ),
            4 => (format!("Activities on {}", t.en), format!("{}活动", t.zh)),
            _ => (
                format!("{} Readiness Report", t.en),
                format!("{}准备度报告", t.zh),
            ),
        };
        ReportName {
            en,
            zh,
            topic,
            start: r.range(2005, 2022),
            step: if r.chance(0.3) { 2 } else { 1 },
        }
    }

    // --- The fixed part -----------------------------------------------------------------------

    fn backbone(&mut self) {
        for _ in 0..HUB_ORGANIZATIONS {
            self.choose_source();
            self.formal_organization(OrgKind::Agency);
        }
        self.describe_sources();
        self.vocabularies();
        self.reference_data();
        self.places();
    }

    /// The sources and graphs, described in `graph/sources` as the seed describes its own.
    fn describe_sources(&mut self) {
        self.q.current = SOURCES_GRAPH;
        let editorial = self.source_iri(EDITORIAL_GRAPH);
        self.types(
            &editorial,
            &[schema!("Dataset"), schema!("CreativeWork"), prov!("Entity")],
        );
        let title = "Editorial additions (generated)";
        self.labels(&editorial, title, None, None);
        self.text(&editorial, TITLE, title, "en");
        self.text(
            &editorial,
            DESCRIPTION,
            "Names in further languages, descriptions in the six UN languages, roles and kinds of statement and of organisation of the generated graph.",
            "en",
        );

        let reference = self.source_iri(REFERENCE_GRAPH);
        self.types(
            &reference,
            &[schema!("Dataset"), schema!("CreativeWork"), prov!("Entity")],
        );
        let title = "Reference data of the generated graph (UN SDG KOS, Wikidata)";
        self.labels(&reference, title, None, None);
        self.text(&reference, TITLE, title, "en");
        self.text(
            &reference,
            DESCRIPTION,
            "The Sustainable Development Goals that generated entities serve, and the Wikidata identifier of ITU that the shapes require, as the seed states them.",
            "en",
        );

        for index in 0..self.sources {
            let source = self.source_iri(FIRST_SOURCE + index);
            let mut r = Rng::keyed(self.seed, TAG_SOURCE, index as u64);
            let t = &TOPICS[r.index(TOPICS.len())];
            let publisher = (index % HUB_ORGANIZATIONS) as u32;
            let publisher_iri = self.org_iri(publisher);
            let name = self.org_name(publisher);
            let url = format!(
                "<https://{}-{publisher}.example.org/{}/{index}>",
                name.host,
                slug(t.en)
            );
            let year = r.range(2015, 2025);
            match index % 4 {
                0 => {
                    self.types(
                        &source,
                        &[
                            schema!("WebPage"),
                            schema!("CreativeWork"),
                            dcterms!("BibliographicResource"),
                            prov!("Entity"),
                        ],
                    );
                    let title = format!("{}: {} programme", name.short(), t.en);
                    let label = format!("{title} ({}-{publisher}.example.org)", name.host);
                    self.labels(&source, &label, None, None);
                    self.text(&source, TITLE, &title, "en");
                    self.link(&source, dcterms!("publisher"), &publisher_iri);
                    self.link(&source, schema!("url"), &url);
                }
                1 => {
                    self.types(
                        &source,
                        &[
                            schema!("NewsArticle"),
                            schema!("CreativeWork"),
                            dcterms!("BibliographicResource"),
                            prov!("Entity"),
                        ],
                    );
                    let title = format!(
                        "{} launches a programme on {}",
                        capitalized(&name.the()),
                        t.text
                    );
                    self.labels(&source, &title, None, None);
                    self.text(&source, TITLE, &title, "en");
                    self.link(&source, dcterms!("publisher"), &publisher_iri);
                    let issued = date(year, r.range(1, 12), r.range(1, 28));
                    self.typed(&source, dcterms!("issued"), &issued, XSD_DATE);
                    self.text(
                        &source,
                        DESCRIPTION,
                        &format!(
                            "News article of {} on its new programme on {}.",
                            name.the(),
                            t.text
                        ),
                        "en",
                    );
                }
                2 => {
                    self.types(
                        &source,
                        &[schema!("Dataset"), schema!("CreativeWork"), prov!("Entity")],
                    );
                    let title = format!("Directory of {} organizations", t.text);
                    self.labels(&source, &title, None, None);
                    self.text(&source, TITLE, &title, "en");
                    self.link(&source, dcterms!("creator"), &publisher_iri);
                    self.link(&source, schema!("url"), &url);
                    self.text(
                        &source,
                        DESCRIPTION,
                        &format!(
                            "Organisations, people and events in {}, as listed by {}.",
                            t.text,
                            name.the()
                        ),
                        "en",
                    );
                }
                _ => {
                    self.types(
                        &source,
                        &[
                            schema!("CreativeWork"),
                            dcterms!("BibliographicResource"),
                            prov!("Entity"),
                        ],
                    );
                    let title = format!("Yearbook of {} {year}", t.en);
                    self.labels(&source, &title, None, None);
                    self.text(&source, TITLE, &title, "en");
                    self.link(&source, dcterms!("publisher"), &publisher_iri);
                    self.typed(&source, dcterms!("issued"), &gyear(year), XSD_GYEAR);
                }
            }
        }
    }

    /// Roles, kinds of statement and kinds of organisation, in the editorial graph.
    fn vocabularies(&mut self) {
        self.q.current = EDITORIAL_GRAPH;
        let scheme = self.named("concept", "roles");
        self.types(&scheme, &[skos!("ConceptScheme")]);
        self.labels(&scheme, "Roles (generated graph)", None, None);
        for (index, role) in ROLES.iter().enumerate() {
            let iri = self.role_iri(index);
            self.link(&scheme, skos!("hasTopConcept"), &iri);
            self.types(&iri, &[org!("Role"), skos!("Concept")]);
            self.labels(&iri, role.en, Some(role.fr), Some(role.zh));
            self.link(&iri, skos!("inScheme"), &scheme);
            self.link(&iri, skos!("topConceptOf"), &scheme);
        }

        let scheme = self.named("concept", "statement-kinds");
        self.types(&scheme, &[skos!("ConceptScheme")]);
        self.labels(&scheme, "Kinds of statement (generated graph)", None, None);
        for (slug, label, definition, _, _) in STATEMENT_KINDS {
            let iri = self.named("concept", &format!("statement-kind-{slug}"));
            self.link(&scheme, skos!("hasTopConcept"), &iri);
            self.types(&iri, &[skos!("Concept")]);
            self.labels(&iri, label, None, None);
            self.text(&iri, skos!("definition"), definition, "en");
            self.link(&iri, skos!("inScheme"), &scheme);
            self.link(&iri, skos!("topConceptOf"), &scheme);
        }

        let scheme = self.named("concept", "organization-kinds");
        self.types(&scheme, &[skos!("ConceptScheme")]);
        self.labels(
            &scheme,
            "Kinds of organisation (generated graph)",
            None,
            None,
        );
        for (slug, en, fr, zh) in ORGANIZATION_KINDS {
            let iri = self.named("concept", &format!("organization-kind-{slug}"));
            self.link(&scheme, skos!("hasTopConcept"), &iri);
            self.types(&iri, &[skos!("Concept")]);
            self.labels(&iri, en, Some(fr), Some(zh));
            self.link(&iri, skos!("inScheme"), &scheme);
            self.link(&iri, skos!("topConceptOf"), &scheme);
        }
    }

    /// The goals the generated entities serve, with the seed's IRIs and English titles, and
    /// ITU's Wikidata identifier, which the shapes require of `{base}org/itu` (`sh:targetNode`):
    /// the graph conforms without the seed and adds no new fact to it.
    fn reference_data(&mut self) {
        self.q.current = REFERENCE_GRAPH;
        let itu = format!("<{}org/itu>", self.base);
        let wikidata = "<http://www.wikidata.org/entity/Q376150>";
        self.link(&itu, "<http://www.w3.org/2002/07/owl#sameAs>", wikidata);
        self.link(&itu, schema!("sameAs"), wikidata);
        for (index, title) in GOALS.iter().enumerate() {
            let number = (index + 1).to_string();
            let iri = format!("{GOAL_PREFIX}{number}>");
            self.types(&iri, &[SDGO_GOAL, skos!("Concept")]);
            self.labels(&iri, title, None, None);
            self.plain(&iri, skos!("notation"), &number);
            self.text(&iri, ALT_LABEL, &format!("SDG {number}"), "en");
        }
    }

    /// Countries and their cities.
    fn places(&mut self) {
        for country in 0..self.countries {
            self.choose_source();
            let iri = self.country_iri(country);
            let (en, zh) = self.country_name(country);
            self.types(&iri, &[schema!("Country"), schema!("Place")]);
            let zh = self.rng.chance(0.5).then_some(zh.as_str());
            self.labels(&iri, &en, None, zh);
        }
        for city in 0..self.cities {
            self.choose_source();
            let iri = self.city_iri(city);
            let country = self.country_iri(city % self.countries);
            let (en, zh) = self.city_name(city);
            self.types(&iri, &[schema!("City"), schema!("Place")]);
            let zh = self.rng.chance(0.4).then_some(zh.as_str());
            self.labels(&iri, &en, None, zh);
            self.link(&iri, schema!("containedInPlace"), &country);
            self.link(&country, schema!("containsPlace"), &iri);
        }
    }

    // --- Organisations ------------------------------------------------------------------------

    /// Registers a new organisation and returns its number.
    fn new_organization(&mut self, kind: OrgKind, parent: Option<u32>) -> u32 {
        let id = self.org_kind.len() as u32;
        self.org_kind.push(kind);
        self.org_root
            .push(parent.map_or(id, |parent| self.org_root[parent as usize]));
        if kind.is_formal() {
            self.formal.push(id);
            self.hosts.push(id);
        }
        match kind {
            OrgKind::Government => self.governments.push(id),
            OrgKind::Unit => self.hosts.push(id),
            OrgKind::WorkingGroup => {
                self.collaborations.push(id);
                self.working_groups.push(id);
            }
            OrgKind::Network => self.collaborations.push(id),
            OrgKind::Initiative => self.initiatives.push(id),
            _ => {}
        }
        id
    }

    /// A formal organisation that already exists, the older ones more often.
    fn some_formal(&mut self) -> u32 {
        self.formal[self.rng.older(self.formal.len())]
    }

    /// Up to `count` distinct organisations drawn by `draw`, none equal to `except`.
    fn distinct(&mut self, count: usize, except: u32, draw: fn(&mut Self) -> u32) -> Vec<u32> {
        let mut chosen = Vec::with_capacity(count);
        for _ in 0..count * 3 {
            if chosen.len() == count {
                break;
            }
            let id = draw(self);
            if id != except && !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        chosen
    }

    fn some_host(&mut self) -> u32 {
        self.hosts[self.rng.older(self.hosts.len())]
    }

    fn founding_year(&mut self, kind: OrgKind, id: u32) -> u32 {
        if (id as usize) < HUB_ORGANIZATIONS {
            return self.rng.range(1865, 1970);
        }
        match kind {
            OrgKind::Agency => self.rng.range(1945, 2022),
            OrgKind::Government => self.rng.range(1950, 2021),
            OrgKind::Company => self.rng.range(1980, 2022),
            OrgKind::University => self.rng.range(1850, 2010),
            OrgKind::Foundation => self.rng.range(1960, 2023),
            _ => self.rng.range(1995, 2024),
        }
    }

    /// A founding date as precise as sources give it: a year, a month or a day.
    fn founding_date(&mut self, subject: &str, year: u32) {
        match self.rng.below(3) {
            0 => self.typed(subject, schema!("foundingDate"), &gyear(year), XSD_GYEAR),
            1 => {
                let month = self.rng.range(1, 12);
                let lexical = gyear_month(year, month);
                self.typed(subject, schema!("foundingDate"), &lexical, XSD_GYEAR_MONTH);
            }
            _ => {
                let lexical = date(year, self.rng.range(1, 12), self.rng.range(1, 28));
                self.typed(subject, schema!("foundingDate"), &lexical, XSD_DATE);
            }
        }
    }

    /// Names, acronyms and a website, shared by every kind of organisation.
    fn org_names(&mut self, subject: &str, name: &OrgName, id: u32, fr: f64, zh: f64) {
        let fr = name.fr.as_deref().filter(|_| self.rng.chance(fr));
        let zh = name.zh.as_deref().filter(|_| self.rng.chance(zh));
        self.labels(subject, &name.en, fr, zh);
        if let Some(acronym) = &name.acronym {
            self.text(subject, ALT_LABEL, acronym, "en");
        }
        if let (Some(_), Some(acronym)) = (fr, &name.fr_acronym) {
            if self.rng.chance(0.5) {
                self.text(subject, ALT_LABEL, acronym, "fr");
            }
        }
        if self.rng.chance(0.4) {
            let homepage = format!("<https://{}-{id}.example.org/>", name.host);
            self.link2(subject, [foaf!("homepage"), schema!("url")], &homepage);
        }
    }

    fn formal_organization(&mut self, kind: OrgKind) {
        let id = self.new_organization(kind, None);
        let s = self.org_iri(id);
        let name = self.org_name(id);
        let mut classes = vec![
            org!("FormalOrganization"),
            org!("Organization"),
            schema!("Organization"),
        ];
        if kind == OrgKind::Government {
            classes.push(schema!("GovernmentOrganization"));
        }
        self.types(&s, &classes);
        let hub = (id as usize) < HUB_ORGANIZATIONS;
        self.org_names(
            &s,
            &name,
            id,
            if hub { 1.0 } else { 0.35 },
            if hub { 1.0 } else { 0.3 },
        );
        if hub || self.rng.chance(0.5) {
            let year = self.founding_year(kind, id);
            self.founding_date(&s, year);
        }
        if let Some(kind_index) = kind.classification().filter(|_| self.rng.chance(0.5)) {
            let concept = self.named(
                "concept",
                &format!("organization-kind-{}", ORGANIZATION_KINDS[kind_index].0),
            );
            self.link(&s, org!("classification"), &concept);
        }
        if hub || self.rng.chance(0.8) {
            let city = self.city_iri(name.city);
            self.link(&s, schema!("location"), &city);
            if hub || self.rng.chance(0.2) {
                let site = self.named("place", &format!("site-{id}"));
                self.types(&site, &[org!("Site"), schema!("Place")]);
                let label = format!("Headquarters of {}", name.the());
                self.labels(&site, &label, None, None);
                self.link(&site, org!("siteOf"), &s);
                self.link(&site, schema!("containedInPlace"), &city);
                self.link(&city, schema!("containsPlace"), &site);
                self.link2(&s, [org!("hasPrimarySite"), org!("hasSite")], &site);
            }
        }
        if hub || self.rng.chance(0.3) {
            self.describe(&s, name.topic, &ORGANIZATION_DESCRIPTIONS);
        }
        if !hub && self.formal.len() > 4 && self.rng.chance(0.06) {
            let count = self.rng.range(2, 5) as usize;
            for founder in self.distinct(count, id, Self::some_formal) {
                let founder = self.org_iri(founder);
                self.link2(&s, [kg!("initiatedBy"), schema!("founder")], &founder);
            }
        }
    }

    fn unit(&mut self) {
        let parent = self.some_host();
        let id = self.new_organization(OrgKind::Unit, Some(parent));
        let s = self.org_iri(id);
        let name = self.org_name(id);
        self.types(
            &s,
            &[
                org!("OrganizationalUnit"),
                org!("Organization"),
                schema!("Organization"),
            ],
        );
        self.org_names(&s, &name, id, 0.3, 0.25);
        let parent = self.org_iri(parent);
        self.link(&s, org!("subOrganizationOf"), &parent);
        self.link(&parent, org!("hasSubOrganization"), &s);
        if self.rng.chance(0.15) {
            self.link(&s, org!("reportsTo"), &parent);
        }
        if self.rng.chance(0.25) {
            let year = self.founding_year(OrgKind::Unit, id);
            self.founding_date(&s, year);
        }
        if self.rng.chance(0.1) {
            self.describe(&s, name.topic, &ORGANIZATION_DESCRIPTIONS);
        }
    }

    fn focus_group(&mut self) {
        let parent = self.some_host();
        let id = self.new_organization(OrgKind::FocusGroup, Some(parent));
        let root = self.org_root[id as usize];
        let s = self.org_iri(id);
        let name = self.org_name(id);
        self.types(
            &s,
            &[
                kg!("FocusGroup"),
                org!("OrganizationalUnit"),
                org!("Organization"),
                schema!("Organization"),
            ],
        );
        self.org_names(&s, &name, id, 0.0, 0.3);
        let parent_iri = self.org_iri(parent);
        if self.rng.chance(0.6) {
            self.link2(&s, [kg!("establishedBy"), schema!("founder")], &parent_iri);
        }
        let year = self.rng.range(2017, 2024);
        if self.rng.chance(0.8) {
            let lexical = gyear_month(year, self.rng.range(1, 12));
            self.typed(&s, schema!("foundingDate"), &lexical, XSD_GYEAR_MONTH);
            if self.rng.chance(0.2) {
                let end = gyear_month(year + self.rng.range(2, 4), self.rng.range(1, 12));
                self.typed(&s, schema!("dissolutionDate"), &end, XSD_GYEAR_MONTH);
            }
        }
        if self.rng.chance(0.3) {
            self.link(&s, org!("reportsTo"), &parent_iri);
        }
        self.link(&s, org!("subOrganizationOf"), &parent_iri);
        self.link(&parent_iri, org!("hasSubOrganization"), &s);
        let root_iri = self.org_iri(root);
        self.link(&s, org!("transitiveSubOrganizationOf"), &root_iri);
        if self.rng.chance(0.5) {
            let count = self.rng.range(1, 2) as usize;
            for partner in self.distinct(count, root, Self::some_formal) {
                let partner = self.org_iri(partner);
                self.link2(&s, [kg!("partnerOrganization"), org!("linkedTo")], &partner);
            }
        }
    }

    /// A working group or a network, with its first members and chairs.
    fn collaboration(&mut self, kind: OrgKind) {
        let parent = (kind == OrgKind::WorkingGroup
            && !self.working_groups.is_empty()
            && self.rng.chance(0.15))
        .then(|| self.working_groups[self.rng.old(self.working_groups.len())]);
        let id = self.new_organization(kind, None);
        let s = self.org_iri(id);
        let name = self.org_name(id);
        if kind == OrgKind::WorkingGroup {
            self.types(
                &s,
                &[
                    kg!("WorkingGroup"),
                    org!("OrganizationalCollaboration"),
                    org!("Organization"),
                    schema!("Organization"),
                ],
            );
        } else {
            self.types(
                &s,
                &[
                    org!("OrganizationalCollaboration"),
                    org!("Organization"),
                    schema!("Organization"),
                ],
            );
        }
        self.org_names(&s, &name, id, 0.3, 0.3);
        if let Some(parent) = parent {
            let parent = self.org_iri(parent);
            self.link(&s, org!("subOrganizationOf"), &parent);
            self.link(&parent, org!("hasSubOrganization"), &s);
        } else if self.rng.chance(0.4) {
            let body = self.some_host();
            let body = self.org_iri(body);
            self.link2(&s, [kg!("establishedBy"), schema!("founder")], &body);
            if self.rng.chance(0.5) {
                self.link(&s, org!("reportsTo"), &body);
            }
            if self.meetings > 0 && self.rng.chance(0.3) {
                let meeting = self.rng.old(self.meetings as usize) as u32;
                let meeting = self.meeting_iri(meeting);
                self.link(&s, kg!("establishedAt"), &meeting);
            }
        }
        let year = self.rng.range(2005, 2024);
        if self.rng.chance(0.6) {
            let lexical = gyear_month(year, self.rng.range(1, 12));
            self.typed(&s, schema!("foundingDate"), &lexical, XSD_GYEAR_MONTH);
        }
        if self.rng.chance(0.25) {
            let end = year + self.rng.range(2, 6);
            let period = self.period(year, end);
            self.link2(&s, [kg!("mandatePeriod"), dcterms!("temporal")], &period);
        }
        if self.rng.chance(0.2) {
            self.describe(&s, name.topic, &ORGANIZATION_DESCRIPTIONS);
        }
        let count = 1 + self.rng.below(3) as usize + self.rng.older(6);
        for member in self.distinct(count, id, Self::some_host) {
            self.membership(id, member);
        }
        if self.rng.chance(0.4) {
            let roles: &[usize] = if self.rng.chance(0.5) {
                &[ROLE_CO_CHAIR, ROLE_CO_CHAIR]
            } else {
                &[ROLE_CHAIR]
            };
            for &role in roles {
                self.post(id, role);
            }
        }
    }

    /// The qualified membership of `member` in `group`, in both directions.
    fn membership(&mut self, group: u32, member: u32) {
        self.memberships.insert(pair(group, member));
        let mut r = Rng::keyed(self.seed, TAG_MEMBERSHIP, pair(group, member));
        let saved = self.q.current;
        self.q.current = FIRST_SOURCE + r.old(self.sources);
        let role = match r.below(20) {
            0..=2 => ROLE_CO_LEAD,
            3 => ROLE_LEAD,
            4..=5 => ROLE_OBSERVER,
            _ => ROLE_MEMBER,
        };
        let s = self.iri2("membership", u64::from(group), u64::from(member));
        let group_iri = self.org_iri(group);
        let member_iri = self.org_iri(member);
        let group_name = self.org_name(group);
        let member_name = self.org_name(member);
        self.types(&s, &[org!("Membership")]);
        let label = format!(
            "{} as {} of {}",
            member_name.short(),
            ROLES[role].en.to_lowercase(),
            group_name.the()
        );
        self.labels(&s, &label, None, None);
        self.link(&s, org!("member"), &member_iri);
        self.link(&s, org!("organization"), &group_iri);
        let role = self.role_iri(role);
        self.link(&s, org!("role"), &role);
        self.link(&member_iri, org!("memberOf"), &group_iri);
        self.link(&member_iri, org!("hasMembership"), &s);
        self.link(&group_iri, org!("hasMember"), &member_iri);
        self.q.current = saved;
    }

    /// An organisation joins a working group or network it is not a member of yet (or, when
    /// a few draws only find existing pairs, a new post is created instead).
    fn join(&mut self) {
        if self.collaborations.is_empty() {
            return self.collaboration(OrgKind::WorkingGroup);
        }
        for _ in 0..8 {
            let group = self.collaborations[self.rng.old(self.collaborations.len())];
            let member = self.some_host();
            if !self.memberships.contains(&pair(group, member)) {
                return self.membership(group, member);
            }
        }
        self.post_step();
    }

    fn initiative(&mut self) {
        let id = self.new_organization(OrgKind::Initiative, None);
        let s = self.org_iri(id);
        let name = self.org_name(id);
        self.types(
            &s,
            &[
                kg!("Initiative"),
                org!("OrganizationalCollaboration"),
                org!("Organization"),
                schema!("Project"),
                schema!("Organization"),
            ],
        );
        self.org_names(&s, &name, id, 0.35, 0.35);
        let count = if self.rng.chance(0.25) { 2 } else { 1 };
        let organizers = self.distinct(count, id, Self::some_formal);
        for &organizer in &organizers {
            let organizer = self.org_iri(organizer);
            self.link(&s, schema!("organizer"), &organizer);
        }
        let lead = self.org_name(organizers[0]);
        if let (Some(acronym), true) = (&lead.acronym, self.rng.chance(0.3)) {
            self.text(&s, ALT_LABEL, &format!("{acronym} {}", name.en), "en");
        }
        let t = &TOPICS[name.topic];
        if self.rng.chance(0.4) {
            let slogan = format!(
                "Harnessing {} for the Sustainable Development Goals",
                t.text
            );
            self.text(&s, schema!("slogan"), &slogan, "en");
        }
        if self.rng.chance(0.5) {
            self.describe(&s, name.topic, &INITIATIVE_DESCRIPTIONS);
        }
        if self.rng.chance(0.35) {
            let n = u64::from(self.rng.range(5, 60));
            self.integer(&s, kg!("partnerCountMin"), n);
            let note = format!("Run with {n}+ organizations; the source does not list them.");
            self.text(&s, NOTE, &note, "en");
        } else if self.rng.chance(0.3) {
            let n = u64::from(self.rng.range(3, 40));
            self.integer(&s, kg!("partnerCount"), n);
        }
        if !self.governments.is_empty() && self.rng.chance(0.25) {
            let government = self.governments[self.rng.old(self.governments.len())];
            let government = self.org_iri(government);
            self.link2(&s, [kg!("coConvener"), schema!("sponsor")], &government);
        }
        if self.rng.chance(0.5) {
            let scheme = self.named("concept", &format!("aims-{id}"));
            self.types(&scheme, &[skos!("ConceptScheme")]);
            self.labels(&scheme, &format!("Aims of {}", name.en), None, None);
            let count = self.rng.range(2, 4) as usize;
            let first = self.rng.index(AIMS.len());
            for k in 0..count {
                let aim = self.named("concept", &format!("aim-{id}-{}", k + 1));
                self.types(&aim, &[kg!("Aim"), skos!("Concept")]);
                let label = capitalized(&fill(AIMS[(first + k) % AIMS.len()], t.text));
                self.labels(&aim, &label, None, None);
                self.plain(&aim, skos!("notation"), &(k + 1).to_string());
                self.link(&aim, skos!("inScheme"), &scheme);
                self.link(&aim, skos!("topConceptOf"), &scheme);
                self.link(&scheme, skos!("hasTopConcept"), &aim);
                self.link2(&s, [kg!("aim"), org!("purpose")], &aim);
            }
        }
        if self.rng.chance(0.7) {
            self.goals(&s, name.topic);
        }
    }

    // --- People and posts ---------------------------------------------------------------------

    fn person(&mut self) -> u32 {
        let id = self.people;
        self.people += 1;
        let s = self.person_iri(id);
        let name = self.person_name(id);
        self.types(&s, &[schema!("Person"), foaf!("Person")]);
        let zh = name.zh.as_deref().filter(|_| self.rng.chance(0.7));
        self.labels(&s, &name.en, None, zh);
        if self.rng.chance(0.1) {
            self.text(&s, ALT_LABEL, &name.alt, "en");
        }
        self.plain(&s, schema!("givenName"), &name.given);
        self.plain(&s, schema!("familyName"), &name.family);
        id
    }

    /// An existing person, the older ones more often, or a new one when there is none.
    fn some_person(&mut self) -> u32 {
        if self.people == 0 {
            return self.person();
        }
        self.rng.old(self.people as usize) as u32
    }

    /// A post in an organisation, held by a new person or, less often, by someone who already
    /// holds other posts.
    fn post(&mut self, organization: u32, role: usize) {
        let holder = if self.people == 0 || self.rng.chance(0.6) {
            self.person()
        } else {
            self.some_person()
        };
        let id = self.posts;
        self.posts += 1;
        let s = self.iri("post", u64::from(id));
        let name = self.org_name(organization);
        self.types(&s, &[org!("Post")]);
        let label = format!("{} of {}", ROLES[role].en, name.the());
        self.labels(&s, &label, None, None);
        let organization = self.org_iri(organization);
        let role = self.role_iri(role);
        let holder = self.person_iri(holder);
        self.link(&s, org!("postIn"), &organization);
        self.link(&s, org!("role"), &role);
        self.link(&s, org!("heldBy"), &holder);
        self.link(&organization, org!("hasPost"), &s);
        self.link(&holder, org!("holds"), &s);
    }

    fn post_step(&mut self) {
        let organization = self.rng.older(self.org_kind.len()) as u32;
        let role = *self
            .rng
            .pick(self.org_kind[organization as usize].post_roles());
        self.post(organization, role);
    }

    // --- Events -------------------------------------------------------------------------------

    fn event_series(&mut self) -> usize {
        let index = self.series.len() as u32;
        let name = self.series_name(index);
        let organizer = self.some_formal();
        self.series.push(SeriesState {
            organizer,
            editions: 0,
        });
        let s = self.series_iri(index);
        self.types(&s, &[schema!("EventSeries"), schema!("Event")]);
        let fr = name.fr.as_deref().filter(|_| self.rng.chance(0.3));
        let zh = Some(name.zh.as_str()).filter(|_| self.rng.chance(0.3));
        self.labels(&s, &name.en, fr, zh);
        if let (Some(acronym), true) = (&name.acronym, self.rng.chance(0.2)) {
            self.text(&s, ALT_LABEL, acronym, "en");
        }
        let organizer_iri = self.org_iri(organizer);
        self.link(&s, schema!("organizer"), &organizer_iri);
        if self.rng.chance(0.15) {
            let other = self.some_formal();
            if other != organizer {
                let other = self.org_iri(other);
                self.link(&s, schema!("organizer"), &other);
            }
        }
        if self.rng.chance(0.6) {
            self.typed(&s, schema!("startDate"), &gyear(name.start), XSD_GYEAR);
        }
        if self.rng.chance(0.3) {
            let note = format!("Held yearly since {}.", name.start);
            self.text(&s, NOTE, &note, "en");
        }
        if !self.initiatives.is_empty() && self.rng.chance(0.35) {
            let initiative = self.initiatives[self.rng.old(self.initiatives.len())];
            let initiative = self.org_iri(initiative);
            self.link(&s, dcterms!("isPartOf"), &initiative);
            self.link(&initiative, dcterms!("hasPart"), &s);
        }
        if self.rng.chance(0.25) {
            self.describe(&s, name.topic, &SERIES_DESCRIPTIONS);
        }
        if self.rng.chance(0.3) {
            let host = name.acronym.as_deref().map_or_else(|| slug(&name.en), slug);
            let url = format!("<https://{host}-{index}.example.org/>");
            self.link(&s, schema!("url"), &url);
        }
        self.series.len() - 1
    }

    /// A place for an event in a city: sometimes a new venue, else the city itself.
    fn event_place(&mut self, city: u32) -> String {
        let city_iri = self.city_iri(city);
        if !self.rng.chance(0.35) {
            return city_iri;
        }
        let id = self.venues;
        self.venues += 1;
        let venue = self.named("place", &format!("venue-{id}"));
        let (city_name, _) = self.city_name(city);
        self.types(&venue, &[schema!("Place")]);
        match self.rng.below(3) {
            0 => {
                let en = format!("{city_name} International Conference Centre");
                let fr = format!("Centre international de conférences de {city_name}");
                self.labels(&venue, &en, Some(&fr), None);
            }
            1 => {
                let en = format!("{city_name} Exhibition Centre");
                self.labels(&venue, &en, None, None);
            }
            _ => {
                let en = format!("Palais des Congrès de {city_name}");
                self.labels(&venue, &en, None, None);
            }
        }
        self.link(&venue, schema!("containedInPlace"), &city_iri);
        self.link(&city_iri, schema!("containsPlace"), &venue);
        venue
    }

    /// The next edition of a series (a new series when the chosen one has reached the present).
    fn edition(&mut self) {
        let mut series = if self.series.is_empty() {
            self.event_series()
        } else {
            self.rng.old(self.series.len())
        };
        let mut name = self.series_name(series as u32);
        let mut year = name.start + u32::from(self.series[series].editions);
        if year > 2026 {
            series = self.event_series();
            name = self.series_name(series as u32);
            year = name.start;
        }
        self.series[series].editions += 1;
        let organizer = self.series[series].organizer;
        let month = name.month;
        let day = (name.day + self.rng.range(0, 5)).min(24);
        let online =
            (year == 2020 && self.rng.chance(0.8)) || (year == 2021 && self.rng.chance(0.3));
        let dated = !online || self.rng.chance(0.5);
        let id = self.events.len() as u32;
        self.events.push(if dated {
            pack_date(year, month, day)
        } else {
            0
        });
        let s = self.event_iri(id);
        self.types(&s, &[schema!("ConferenceEvent"), schema!("Event")]);
        let label = format!("{} {year}", name.en);
        let zh = format!("{}{year}", name.zh);
        let zh = Some(zh.as_str()).filter(|_| self.rng.chance(0.15));
        self.labels(&s, &label, None, zh);
        if dated {
            self.typed(&s, schema!("startDate"), &date(year, month, day), XSD_DATE);
            let end = day + self.rng.range(1, 3);
            self.typed(&s, schema!("endDate"), &date(year, month, end), XSD_DATE);
        }
        if online {
            self.link(
                &s,
                schema!("eventAttendanceMode"),
                schema!("OnlineEventAttendanceMode"),
            );
            self.link(&s, schema!("eventStatus"), schema!("EventMovedOnline"));
        } else if self.rng.chance(0.85) {
            let place = self.event_place(name.city);
            self.link(&s, schema!("location"), &place);
        }
        let organizer_iri = self.org_iri(organizer);
        self.link(&s, schema!("organizer"), &organizer_iri);
        if self.rng.chance(0.3) {
            let count = self.rng.range(1, 3) as usize;
            for other in self.distinct(count, organizer, Self::some_formal) {
                let other = self.org_iri(other);
                self.link(&s, schema!("organizer"), &other);
            }
        }
        if self.rng.chance(0.2) {
            let collaborator = self.some_host();
            let collaborator = self.org_iri(collaborator);
            self.link2(
                &s,
                [kg!("collaborator"), schema!("contributor")],
                &collaborator,
            );
        }
        if !self.governments.is_empty() && self.rng.chance(0.15) {
            let government = self.governments[self.rng.old(self.governments.len())];
            let government = self.org_iri(government);
            self.link2(&s, [kg!("coConvener"), schema!("sponsor")], &government);
        }
        if self.rng.chance(0.35) {
            let n = u64::from(self.rng.range(5, 50));
            self.integer(&s, kg!("partnerCount"), n);
        } else if self.rng.chance(0.15) {
            let n = u64::from(self.rng.range(10, 60));
            self.integer(&s, kg!("partnerCountMin"), n);
            self.text(&s, NOTE, &format!("{n}+ partners."), "en");
        }
        let t = &TOPICS[name.topic];
        if self.rng.chance(0.5) {
            let theme = format!(
                "Accelerating the Sustainable Development Goals through {}",
                t.text
            );
            self.text(&s, kg!("theme"), &theme, "en");
            self.text(&s, dcterms!("subject"), &theme, "en");
        }
        if self.rng.chance(0.4) {
            self.goals(&s, name.topic);
        }
        if self.rng.chance(0.3) {
            let host = name.acronym.as_deref().map_or_else(|| slug(&name.en), slug);
            let url = format!("<https://{host}-{series}.example.org/{year}/>");
            self.link(&s, schema!("url"), &url);
        }
        let series = self.series_iri(series as u32);
        self.link(&s, schema!("superEvent"), &series);
        self.link(&series, schema!("subEvent"), &s);
    }

    /// A session within an event, with its speakers.
    fn sub_event(&mut self) {
        if self.events.is_empty() {
            return self.edition();
        }
        let parent = self.rng.old(self.events.len()) as u32;
        let start = self.events[parent as usize];
        let id = self.events.len() as u32;
        self.events.push(start);
        let s = self.event_iri(id);
        let t = &TOPICS[self.rng.index(TOPICS.len())];
        self.types(&s, &[schema!("Event")]);
        let label = format!("{} on {}", self.rng.pick(SESSION_FORMATS), t.text);
        self.labels(&s, &label, None, None);
        if start != 0 && self.rng.chance(0.8) {
            let lexical = date(start / 10_000, start / 100 % 100, start % 100);
            self.typed(&s, schema!("startDate"), &lexical, XSD_DATE);
        }
        let parent = self.event_iri(parent);
        self.link(&s, schema!("superEvent"), &parent);
        self.link(&parent, schema!("subEvent"), &s);
        let count = 1 + self.rng.older(4);
        let mut speakers = Vec::with_capacity(count);
        for _ in 0..count {
            let speaker = self.some_person();
            if !speakers.contains(&speaker) {
                speakers.push(speaker);
                let speaker = self.person_iri(speaker);
                self.link2(&s, [kg!("speaker"), schema!("performer")], &speaker);
            }
        }
        if self.rng.chance(0.2) {
            let organizer = self.some_host();
            let organizer = self.org_iri(organizer);
            self.link(&s, schema!("organizer"), &organizer);
        }
    }

    /// A session of a body, or a meeting of two people at an event.
    fn meeting(&mut self) {
        let id = self.meetings;
        self.meetings += 1;
        let s = self.meeting_iri(id);
        self.types(&s, &[kg!("Meeting"), schema!("Event")]);
        if self.people >= 2 && !self.events.is_empty() && self.rng.chance(0.4) {
            let first = self.some_person();
            let mut second = self.some_person();
            if second == first {
                second = (first + 1) % self.people;
            }
            let (a, b) = (self.person_name(first), self.person_name(second));
            self.labels(&s, &format!("Meeting of {} and {}", a.en, b.en), None, None);
            for person in [first, second] {
                let person = self.person_iri(person);
                self.link(&s, schema!("attendee"), &person);
            }
            let event = self.rng.old(self.events.len()) as u32;
            let start = self.events[event as usize];
            if start != 0 {
                let lexical = date(start / 10_000, start / 100 % 100, start % 100);
                self.typed(&s, schema!("startDate"), &lexical, XSD_DATE);
            }
            let event = self.event_iri(event);
            self.link(&s, schema!("superEvent"), &event);
            self.link(&event, schema!("subEvent"), &s);
        } else {
            let body = self.some_host();
            let name = self.org_name(body);
            let session = self.rng.range(1, 60);
            let label = format!("{} session of {}", ordinal(session), name.the());
            self.labels(&s, &label, None, None);
            let body = self.org_iri(body);
            self.link(&s, schema!("organizer"), &body);
            let lexical = gyear_month(self.rng.range(2000, 2025), self.rng.range(1, 12));
            self.typed(&s, schema!("startDate"), &lexical, XSD_GYEAR_MONTH);
        }
    }

    /// What someone said at an event or meeting.
    fn statement(&mut self) {
        if self.people == 0 || (self.events.is_empty() && self.meetings == 0) {
            self.person();
            return;
        }
        let id = self.statements;
        self.statements += 1;
        let s = self.named("concept", &format!("statement-{id}"));
        let speaker = self.some_person();
        let at = if self.meetings > 0 && (self.events.is_empty() || self.rng.chance(0.3)) {
            let meeting = self.rng.old(self.meetings as usize) as u32;
            self.meeting_iri(meeting)
        } else {
            let event = self.rng.old(self.events.len()) as u32;
            self.event_iri(event)
        };
        let (kind, _, _, summary, text) = *self.rng.pick(STATEMENT_KINDS);
        let t = &TOPICS[self.rng.index(TOPICS.len())];
        let name = self.person_name(speaker);
        self.types(&s, &[kg!("Statement"), schema!("CreativeWork")]);
        let label = format!("{}: {}", name.en, fill(summary, t.text));
        self.labels(&s, &label, None, None);
        self.text(&s, schema!("text"), &fill(text, t.text), "en");
        let speaker = self.person_iri(speaker);
        self.link2(&s, [kg!("statedBy"), schema!("author")], &speaker);
        self.link2(&s, [kg!("statedAt"), schema!("recordedAt")], &at);
        let kind = self.named("concept", &format!("statement-kind-{kind}"));
        self.link2(&s, [kg!("statementKind"), dcterms!("type")], &kind);
        if self.rng.chance(0.4) {
            let about = self.rng.older(self.org_kind.len()) as u32;
            let about = self.org_iri(about);
            self.link(&s, schema!("about"), &about);
        }
    }

    // --- Works --------------------------------------------------------------------------------

    fn report_series(&mut self) -> usize {
        let index = self.reports.len() as u32;
        let name = self.report_name(index);
        let publisher = self.some_formal();
        self.reports.push(ReportState {
            publisher,
            editions: 0,
        });
        let s = self.iri("report", u64::from(index));
        self.types(
            &s,
            &[
                schema!("CreativeWorkSeries"),
                schema!("CreativeWork"),
                prov!("Entity"),
            ],
        );
        let zh = Some(name.zh.as_str()).filter(|_| self.rng.chance(0.2));
        self.labels(&s, &name.en, None, zh);
        self.text(&s, TITLE, &name.en, "en");
        let publisher = self.org_iri(publisher);
        self.link(&s, dcterms!("publisher"), &publisher);
        if self.rng.chance(0.2) {
            let t = &TOPICS[name.topic];
            let description = format!("A recurring report on {}.", t.text);
            self.text(&s, DESCRIPTION, &description, "en");
        }
        self.reports.len() - 1
    }

    fn report_edition(&mut self) {
        let mut series = if self.reports.is_empty() {
            self.report_series()
        } else {
            self.rng.old(self.reports.len())
        };
        let mut name = self.report_name(series as u32);
        let mut year = name.start + name.step * u32::from(self.reports[series].editions);
        if year > 2025 {
            series = self.report_series();
            name = self.report_name(series as u32);
            year = name.start;
        }
        self.reports[series].editions += 1;
        let s = self.iri2("report", series as u64, u64::from(year));
        self.types(
            &s,
            &[
                kg!("ReportEdition"),
                schema!("Report"),
                schema!("CreativeWork"),
                prov!("Entity"),
            ],
        );
        self.labels(&s, &format!("{} {year}", name.en), None, None);
        self.typed(&s, dcterms!("issued"), &gyear(year), XSD_GYEAR);
        let publisher = self.org_iri(self.reports[series].publisher);
        self.link(&s, dcterms!("publisher"), &publisher);
        let series_iri = self.iri("report", series as u64);
        self.link(&s, dcterms!("isPartOf"), &series_iri);
        self.link(&series_iri, dcterms!("hasPart"), &s);
        let entities = u64::from(self.rng.range(10, 80));
        if self.rng.chance(0.6) {
            self.integer(&s, kg!("entityCount"), entities);
        }
        if self.rng.chance(0.45) {
            let projects = u64::from(self.rng.range(50, 600));
            self.integer(&s, kg!("projectCount"), projects);
            if self.rng.chance(0.2) {
                let note = format!("{entities} entities, {projects} projects.");
                self.text(&s, NOTE, &note, "en");
            }
        } else if self.rng.chance(0.3) {
            let projects = u64::from(self.rng.range(5, 60)) * 10;
            self.integer(&s, kg!("projectCountMin"), projects);
            self.text(&s, NOTE, &format!("Over {projects} projects."), "en");
        }
        if self.rng.chance(0.15) {
            let cases = u64::from(self.rng.range(20, 400));
            self.integer(&s, kg!("caseCount"), cases);
        }
        if self.rng.chance(0.35) {
            let count = self.rng.range(3, 24) as usize;
            let partners = self.distinct(count, u32::MAX, Self::some_host);
            self.integer(&s, kg!("partnerCount"), partners.len() as u64);
            for partner in partners {
                let partner = self.org_iri(partner);
                self.link(&s, dcterms!("contributor"), &partner);
            }
        }
    }

    fn document(&mut self) {
        let id = self.documents;
        self.documents += 1;
        let s = self.iri("document", u64::from(id));
        let topic = self.rng.index(TOPICS.len());
        let t = &TOPICS[topic];
        let (pattern, report, principles) = *self.rng.pick(DOCUMENT_KINDS);
        let mut classes = vec![schema!("CreativeWork"), prov!("Entity")];
        if report {
            classes.insert(0, schema!("Report"));
        }
        self.types(&s, &classes);
        let title = fill(pattern, t.en);
        let fr = pattern
            .starts_with("Recommendation")
            .then(|| format!("Recommandation sur {}", t.fr))
            .filter(|_| self.rng.chance(0.5));
        self.labels(&s, &title, fr.as_deref(), None);
        self.text(&s, TITLE, &title, "en");
        let year = self.rng.range(2016, 2025);
        let mut influences = Vec::new();
        if self.rng.chance(0.6) {
            let drafter = if !self.collaborations.is_empty() && self.rng.chance(0.6) {
                self.collaborations[self.rng.old(self.collaborations.len())]
            } else {
                self.some_host()
            };
            let drafter = self.org_iri(drafter);
            self.link2(&s, [kg!("draftedBy"), dcterms!("creator")], &drafter);
        }
        if self.rng.chance(0.3) {
            let attributed = self.some_formal();
            let attributed = self.org_iri(attributed);
            self.link(&s, prov!("wasAttributedTo"), &attributed);
        }
        let mut month = self.rng.range(1, 6);
        if self.rng.chance(0.3) {
            let approver = self.some_host();
            influences.push(approver);
            let approver = self.org_iri(approver);
            self.link(&s, kg!("approvedBy"), &approver);
            let lexical = gyear_month(year, month);
            self.typed(&s, kg!("approvalDate"), &lexical, XSD_GYEAR_MONTH);
            self.typed(&s, dcterms!("dateAccepted"), &lexical, XSD_GYEAR_MONTH);
            if self.meetings > 0 && self.rng.chance(0.3) {
                let meeting = self.rng.old(self.meetings as usize) as u32;
                let meeting = self.meeting_iri(meeting);
                self.link(&s, kg!("approvedAt"), &meeting);
            }
        }
        if self.rng.chance(0.2) {
            let endorser = self.some_formal();
            if !influences.contains(&endorser) {
                influences.push(endorser);
            }
            let endorser = self.org_iri(endorser);
            self.link(&s, kg!("endorsedBy"), &endorser);
            month += self.rng.range(1, 3);
            let lexical = gyear_month(year, month);
            self.typed(&s, kg!("endorsementDate"), &lexical, XSD_GYEAR_MONTH);
            self.typed(&s, dcterms!("date"), &lexical, XSD_GYEAR_MONTH);
        }
        for influence in influences {
            let influence = self.org_iri(influence);
            self.link(&s, prov!("wasInfluencedBy"), &influence);
        }
        if self.rng.chance(0.8) {
            let lexical = gyear_month(year, (month + self.rng.range(0, 3)).min(12));
            self.typed(&s, dcterms!("issued"), &lexical, XSD_GYEAR_MONTH);
        }
        if self.rng.chance(0.5) {
            let publisher = self.some_formal();
            let publisher = self.org_iri(publisher);
            self.link(&s, dcterms!("publisher"), &publisher);
        }
        if principles && self.rng.chance(0.6) {
            let count = u64::from(self.rng.range(5, 15));
            self.integer(&s, kg!("principleCount"), count);
        }
        if id > 0 && self.rng.chance(0.25) {
            let basis = self.rng.older(id as usize) as u64;
            let basis = self.iri("document", basis);
            self.link2(&s, [schema!("isBasedOn"), prov!("wasDerivedFrom")], &basis);
        }
        if self.rng.chance(0.3) {
            self.goals(&s, topic);
        }
        if self.rng.chance(0.15) {
            let scheme = self.named("concept", &format!("focus-areas-{id}"));
            self.types(&scheme, &[skos!("ConceptScheme")]);
            self.labels(&scheme, &format!("Focus areas of the {title}"), None, None);
            let count = self.rng.range(2, 4);
            let first = self.rng.index(TOPICS.len());
            for k in 1..=count {
                let area = self.named("concept", &format!("focus-area-{id}-{k}"));
                let other = &TOPICS[(first + k as usize) % TOPICS.len()];
                self.types(&area, &[kg!("FocusArea"), skos!("Concept")]);
                let label = format!("{} and {}", capitalized(t.text), other.text);
                self.labels(&area, &label, None, None);
                self.plain(&area, skos!("notation"), &k.to_string());
                self.link(&area, skos!("inScheme"), &scheme);
                self.link(&area, skos!("topConceptOf"), &scheme);
                self.link(&scheme, skos!("hasTopConcept"), &area);
                self.link2(&s, [kg!("focusArea"), dcterms!("subject")], &area);
            }
        }
        if !self.events.is_empty() && self.rng.chance(0.1) {
            let event = self.rng.old(self.events.len()) as u32;
            let event = self.event_iri(event);
            self.link(&s, kg!("presentedAt"), &event);
            self.link(&event, schema!("workFeatured"), &s);
        }
    }

    fn survey(&mut self) {
        let id = self.documents;
        self.documents += 1;
        let s = self.iri("document", u64::from(id));
        let topic = self.rng.index(TOPICS.len());
        let t = &TOPICS[topic];
        let creator = self.some_formal();
        let creator_name = self.org_name(creator);
        let year = self.rng.range(2016, 2025);
        self.types(
            &s,
            &[kg!("Survey"), schema!("CreativeWork"), prov!("Entity")],
        );
        let title = format!("{} {} Landscape Survey {year}", creator_name.short(), t.en);
        self.labels(&s, &title, None, None);
        self.text(&s, TITLE, &title, "en");
        let creator = self.org_iri(creator);
        self.link(&s, dcterms!("creator"), &creator);
        self.typed(&s, dcterms!("issued"), &gyear(year), XSD_GYEAR);
        let count = self.rng.range(2, 5);
        let first = self.rng.index(FINDINGS.len());
        for k in 1..=count {
            let finding = self.named("concept", &format!("finding-{id}-{k}"));
            let text = fill(FINDINGS[(first + k as usize) % FINDINGS.len()], t.text);
            self.types(
                &finding,
                &[kg!("Finding"), schema!("Claim"), schema!("CreativeWork")],
            );
            self.labels(&finding, &text, None, None);
            self.text(&finding, schema!("text"), &text, "en");
            self.integer(&finding, schema!("position"), u64::from(k));
            self.link(&finding, dcterms!("isPartOf"), &s);
            self.link2(&s, [kg!("finding"), dcterms!("hasPart")], &finding);
        }
    }

    fn plan(&mut self) {
        let id = self.plans;
        self.plans += 1;
        let s = self.iri("plan", u64::from(id));
        let topic = self.rng.index(TOPICS.len());
        let t = &TOPICS[topic];
        let publisher = self.some_formal();
        let publisher_name = self.org_name(publisher);
        let from = self.rng.range(2015, 2025);
        let to = from + self.rng.range(2, 5);
        self.types(
            &s,
            &[
                kg!("ActionPlan"),
                prov!("Plan"),
                prov!("Entity"),
                schema!("CreativeWork"),
            ],
        );
        let title = format!(
            "{} {} Action Plan ({from}-{to})",
            publisher_name.short(),
            t.en
        );
        self.labels(&s, &title, None, None);
        self.text(&s, TITLE, &title, "en");
        let publisher = self.org_iri(publisher);
        self.link2(&s, [kg!("launchedBy"), dcterms!("publisher")], &publisher);
        let issued = gyear_month(from, self.rng.range(1, 12));
        self.typed(&s, dcterms!("issued"), &issued, XSD_GYEAR_MONTH);
        self.plain(&s, schema!("temporalCoverage"), &format!("{from}/{to}"));
        let period = self.period(from, to);
        self.link(&s, dcterms!("temporal"), &period);
        if !self.events.is_empty() && self.rng.chance(0.3) {
            let event = self.rng.old(self.events.len()) as u32;
            let event = self.event_iri(event);
            self.link2(&s, [kg!("launchedAt"), kg!("presentedAt")], &event);
            self.link(&event, schema!("workFeatured"), &s);
        }
        if self.rng.chance(0.3) {
            self.goals(&s, topic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ontology::{self, DEFAULT_BASE_IRI};
    use crate::shacl::Shapes;
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::{Graph, Quad, Triple};
    use std::collections::HashSet;

    fn bytes(triples: u64, seed: u64) -> (Vec<u8>, Summary) {
        let mut out = Vec::new();
        let summary = generate(
            &mut out,
            &Options {
                triples,
                seed,
                base_iri: DEFAULT_BASE_IRI.to_owned(),
            },
        )
        .unwrap();
        (out, summary)
    }

    fn quads(nquads: &[u8]) -> Vec<Quad> {
        RdfParser::from_format(RdfFormat::NQuads)
            .for_slice(nquads)
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn builtin(name: &str) -> Graph {
        let file = ontology::FILES
            .into_iter()
            .find(|f| f.name == name)
            .unwrap();
        RdfParser::from_format(file.format)
            .for_slice(file.content.as_bytes())
            .map(|quad| Triple::from(quad.unwrap()))
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let (first, _) = bytes(20_000, 7);
        let (second, _) = bytes(20_000, 7);
        assert!(first == second, "two runs with the same seed differ");
        let (other, _) = bytes(20_000, 8);
        assert!(first != other, "two seeds give the same graph");
    }

    #[test]
    fn the_count_is_close_to_the_target() {
        for target in [3_000, 10_000, 25_000, 100_000] {
            let (out, summary) = bytes(target, 1);
            assert!(summary.quads >= target, "{target}: {summary:?}");
            assert!(
                summary.quads <= target + target / 100,
                "{target}: {summary:?}"
            );
            let lines = out.iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(lines, summary.quads);
        }
    }

    #[test]
    fn the_output_is_distinct_n_quads_in_named_graphs() {
        let (out, summary) = bytes(30_000, 3);
        let quads = quads(&out);
        assert_eq!(quads.len() as u64, summary.quads);
        assert!(quads.iter().all(|q| !q.graph_name.is_default_graph()));
        let distinct: HashSet<&Quad> = quads.iter().collect();
        assert_eq!(distinct.len(), quads.len(), "a quad is written twice");
        let graphs: HashSet<_> = quads.iter().map(|q| &q.graph_name).collect();
        assert!(graphs.len() >= 8, "{} graphs", graphs.len());
        for quad in &quads {
            if let oxigraph::model::NamedOrBlankNode::NamedNode(s) = &quad.subject {
                let iri = s.as_str();
                if let Some(path) = iri.strip_prefix(DEFAULT_BASE_IRI) {
                    let slug = path.split_once('/').map_or(path, |(_, slug)| slug);
                    assert!(slug.starts_with("gen-") || path == "org/itu", "{iri}");
                }
            }
        }
    }

    #[test]
    fn another_base_iri_names_the_entities() {
        let mut out = Vec::new();
        generate(
            &mut out,
            &Options {
                triples: 3_000,
                seed: 1,
                base_iri: "https://example.org/kg/".to_owned(),
            },
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("<https://example.org/kg/org/gen-0>"));
        assert!(!text.contains(DEFAULT_BASE_IRI));
        let error = generate(
            Vec::new(),
            &Options {
                triples: 10,
                seed: 1,
                base_iri: "not an iri".to_owned(),
            },
        )
        .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn the_goals_are_those_of_the_seed() {
        let seed = ontology::FILES
            .into_iter()
            .find(|f| f.name == "seed.trig")
            .unwrap();
        let seed: Graph = RdfParser::from_format(seed.format)
            .for_slice(seed.content.as_bytes())
            .map(|quad| Triple::from(quad.unwrap()))
            .collect();
        for (index, title) in GOALS.iter().enumerate() {
            let goal = NamedNode::new(format!("http://metadata.un.org/sdg/{}", index + 1)).unwrap();
            let label = NamedNode::new("http://www.w3.org/2000/01/rdf-schema#label").unwrap();
            let seed_title = seed.object_for_subject_predicate(&goal, &label);
            assert_eq!(
                seed_title.map(|t| t.to_string()),
                Some(format!("\"{title}\"@en")),
                "goal {}",
                index + 1
            );
        }
    }

    #[test]
    fn the_output_conforms_to_the_shapes_alone_and_with_the_seed() {
        let shapes = Shapes::from_graph(&builtin("shapes.ttl")).unwrap();
        let (out, _) = bytes(12_000, 11);
        let mut data = builtin("kgql.ttl");
        data.extend(quads(&out).into_iter().map(Triple::from));
        let report = shapes.validate(&data);
        assert!(report.conforms(), "{report}");
        data.extend(&builtin("seed.trig"));
        let report = shapes.validate(&data);
        assert!(report.conforms(), "{report}");
    }

    #[test]
    fn degrees_are_skewed() {
        let (out, _) = bytes(50_000, 5);
        let organizer = NamedNode::new("http://schema.org/organizer").unwrap();
        let mut counts = std::collections::HashMap::new();
        for quad in quads(&out) {
            if quad.predicate == organizer {
                *counts.entry(quad.object.to_string()).or_insert(0u32) += 1;
            }
        }
        let mut degrees: Vec<u32> = counts.into_values().collect();
        degrees.sort_unstable_by(|a, b| b.cmp(a));
        let total: u32 = degrees.iter().sum();
        let ones = degrees.iter().filter(|&&d| d == 1).count();
        assert!(degrees[0] * 20 > total, "the largest hub: {degrees:?}");
        assert!(
            ones * 3 > degrees.len(),
            "leaves: {ones} of {}",
            degrees.len()
        );
    }
}
