//! Events: series and their editions, sessions with speakers, meetings, and statements.

use super::naming::SeriesName;
use super::patterns::{choose, Values};
use super::tables::{SERIES_DESCRIPTIONS, SESSION_FORMATS, STATEMENT_KINDS, TOPICS, VENUE_NAMES};
use super::terms::*;
use super::text::{fill, ordinal};
use super::{Generator, SeriesState};
use std::io::Write;

impl<W: Write> Generator<W> {
    pub(super) fn event_series(&mut self) -> usize {
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
            self.link_both_ways(&s, [dcterms!("isPartOf"), dcterms!("hasPart")], &initiative);
        }
        if self.rng.chance(0.25) {
            self.describe(&s, name.topic, &SERIES_DESCRIPTIONS);
        }
        if self.rng.chance(0.3) {
            let url = format!("<https://{}-{index}.example.org/>", name.host());
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
        let pattern = choose(&mut self.rng, &VENUE_NAMES);
        let names = pattern.fill(Values::new().add("city", city_name.clone(), city_name, ""));
        self.labels(&venue, &names.en, names.fr.as_deref(), None);
        self.link_both_ways(
            &venue,
            [schema!("containedInPlace"), schema!("containsPlace")],
            &city_iri,
        );
        venue
    }

    /// The series of the next edition, its names and its year: a series drawn, or a new series
    /// when the one drawn has reached the present.
    fn next_edition(&mut self) -> (usize, SeriesName, u32) {
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
        (series, name, year)
    }

    /// The next edition of a series.
    pub(super) fn edition(&mut self) {
        let (series, name, year) = self.next_edition();
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
        self.edition_organizers(&s, organizer);
        self.edition_details(&s, &name, series, year);
        let series = self.series_iri(series as u32);
        self.link_both_ways(&s, [schema!("superEvent"), schema!("subEvent")], &series);
    }

    /// An edition's organisers, with sometimes others, a collaborator and a co-convener.
    fn edition_organizers(&mut self, s: &str, organizer: u32) {
        let organizer_iri = self.org_iri(organizer);
        self.link(s, schema!("organizer"), &organizer_iri);
        if self.rng.chance(0.3) {
            let count = self.rng.range(1, 3) as usize;
            for other in self.distinct(count, organizer, Self::some_formal) {
                let other = self.org_iri(other);
                self.link(s, schema!("organizer"), &other);
            }
        }
        if self.rng.chance(0.2) {
            let collaborator = self.some_host();
            let collaborator = self.org_iri(collaborator);
            self.link2(
                s,
                [kg!("collaborator"), schema!("contributor")],
                &collaborator,
            );
        }
        if !self.governments.is_empty() && self.rng.chance(0.15) {
            let government = self.governments[self.rng.old(self.governments.len())];
            let government = self.org_iri(government);
            self.link2(s, [kg!("coConvener"), schema!("sponsor")], &government);
        }
    }

    /// An edition's partners, theme, goals and website.
    fn edition_details(&mut self, s: &str, name: &SeriesName, series: usize, year: u32) {
        if self.rng.chance(0.35) {
            let n = u64::from(self.rng.range(5, 50));
            self.integer(s, kg!("partnerCount"), n);
        } else if self.rng.chance(0.15) {
            let n = u64::from(self.rng.range(10, 60));
            self.integer(s, kg!("partnerCountMin"), n);
            self.text(s, NOTE, &format!("{n}+ partners."), "en");
        }
        let t = &TOPICS[name.topic];
        if self.rng.chance(0.5) {
            let theme = format!(
                "Accelerating the Sustainable Development Goals through {}",
                t.text
            );
            self.text(s, kg!("theme"), &theme, "en");
            self.text(s, dcterms!("subject"), &theme, "en");
        }
        if self.rng.chance(0.4) {
            self.goals(s, name.topic);
        }
        if self.rng.chance(0.3) {
            let url = format!("<https://{}-{series}.example.org/{year}/>", name.host());
            self.link(s, schema!("url"), &url);
        }
    }

    /// A session within an event, with its speakers.
    pub(super) fn sub_event(&mut self) {
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
        let label = format!("{} on {}", self.rng.pick(&SESSION_FORMATS), t.text);
        self.labels(&s, &label, None, None);
        if start != 0 && self.rng.chance(0.8) {
            let lexical = unpacked_date(start);
            self.typed(&s, schema!("startDate"), &lexical, XSD_DATE);
        }
        let parent = self.event_iri(parent);
        self.link_both_ways(&s, [schema!("superEvent"), schema!("subEvent")], &parent);
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
    pub(super) fn meeting(&mut self) {
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
                let lexical = unpacked_date(start);
                self.typed(&s, schema!("startDate"), &lexical, XSD_DATE);
            }
            let event = self.event_iri(event);
            self.link_both_ways(&s, [schema!("superEvent"), schema!("subEvent")], &event);
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
    pub(super) fn statement(&mut self) {
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
        let kind = self.rng.pick(&STATEMENT_KINDS);
        let t = &TOPICS[self.rng.index(TOPICS.len())];
        let name = self.person_name(speaker);
        self.types(&s, &[kg!("Statement"), schema!("CreativeWork")]);
        let label = format!("{}: {}", name.en, fill(kind.summary, t.text));
        self.labels(&s, &label, None, None);
        self.text(&s, schema!("text"), &fill(kind.text, t.text), "en");
        let speaker = self.person_iri(speaker);
        self.link2(&s, [kg!("statedBy"), schema!("author")], &speaker);
        self.link2(&s, [kg!("statedAt"), schema!("recordedAt")], &at);
        let kind = self.named("concept", &format!("statement-kind-{}", kind.slug));
        self.link2(&s, [kg!("statementKind"), dcterms!("type")], &kind);
        if self.rng.chance(0.4) {
            let about = self.rng.older(self.org_kind.len()) as u32;
            let about = self.org_iri(about);
            self.link(&s, schema!("about"), &about);
        }
    }
}
