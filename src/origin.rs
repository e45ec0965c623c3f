//! Where a request comes from and which URL it reached: the client's address and the server's
//! public URL, from headers only when they can be trusted.
//!
//! `Host` and `X-Forwarded-Host` end up in answers (the service description, VoID, the names of
//! graphs a POST creates), so they are checked as a host name or address with an optional port
//! before use. `Forwarded`, `X-Forwarded-For`, `-Host` and `-Proto` are read only when the
//! connection comes from a proxy the operator named (`--trusted-proxy`).

use std::net::IpAddr;

/// An address or a network of addresses (`10.0.0.0/8`, `::1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address
            .trim()
            .parse()
            .map_err(|_| format!("'{text}' is not an IP address or network"))?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("'{text}': the prefix length is 0 to {bits}"))?,
        };
        Ok(Self { address, prefix })
    }
}

impl Network {
    /// Whether `address` is in the network.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        match (self.address, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Whether `text` is a host (a DNS name, an IPv4 address or a bracketed IPv6 address) with an
/// optional port: nothing else may reach an answer.
pub fn is_host_and_port(text: &str) -> bool {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => ("x", Some(port)),
                None => return false,
            },
        }
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    port_ok && host_ok
}

/// What a request says of its origin, as headers give it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Headers<'a> {
    /// `Host` (or the URI's authority).
    pub host: Option<&'a str>,
    /// `Forwarded`.
    pub forwarded: Option<&'a str>,
    /// `X-Forwarded-For`.
    pub forwarded_for: Option<&'a str>,
    /// `X-Forwarded-Host`.
    pub forwarded_host: Option<&'a str>,
    /// `X-Forwarded-Proto`.
    pub forwarded_proto: Option<&'a str>,
}

/// The trust the operator gives to proxies.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    /// The proxies whose forwarding headers are believed.
    pub proxies: Vec<Network>,
}

impl Trust {
    fn trusts(&self, peer: Option<IpAddr>) -> bool {
        peer.is_some_and(|peer| self.proxies.iter().any(|n| n.contains(peer)))
    }

    /// The client's address: the peer's, or (from a trusted proxy) the last address of
    /// `X-Forwarded-For` / `Forwarded: for=` that is not itself a trusted proxy.
    pub fn client(&self, peer: Option<IpAddr>, headers: &Headers<'_>) -> Option<IpAddr> {
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops: Vec<IpAddr> = Vec::new();
        if let Some(forwarded) = headers.forwarded {
            for element in forwarded.split(',') {
                for pair in element.split(';') {
                    if let Some((name, value)) = pair.split_once('=') {
                        if name.trim().eq_ignore_ascii_case("for") {
                            if let Some(ip) = parse_node(value) {
                                hops.push(ip);
                            }
                        }
                    }
                }
            }
        } else if let Some(list) = headers.forwarded_for {
            hops.extend(list.split(',').filter_map(parse_node));
        }
        hops.into_iter()
            .rev()
            .find(|hop| !self.trusts(Some(*hop)))
            .or(peer)
    }

    /// The scheme and authority the client used, when they can be known and are well formed:
    /// from a trusted proxy's headers, else from `Host`. `None` when the host given is not a
    /// host name or address.
    pub fn public_origin(&self, peer: Option<IpAddr>, headers: &Headers<'_>) -> Option<String> {
        let (mut scheme, mut host) = ("http".to_owned(), headers.host.map(str::to_owned));
        if self.trusts(peer) {
            let mut proxied_host = headers.forwarded_host.map(|h| first(h).to_owned());
            let mut proxied_proto = headers.forwarded_proto.map(|p| first(p).to_owned());
            if let Some(forwarded) = headers.forwarded {
                let element = first(forwarded);
                for pair in element.split(';') {
                    if let Some((name, value)) = pair.split_once('=') {
                        let value = value.trim().trim_matches('"').to_owned();
                        match name.trim().to_ascii_lowercase().as_str() {
                            "host" => proxied_host = Some(value),
                            "proto" => proxied_proto = Some(value),
                            _ => {}
                        }
                    }
                }
            }
            if let Some(proto) = proxied_proto {
                match proto.to_ascii_lowercase().as_str() {
                    "http" | "https" => scheme = proto.to_ascii_lowercase(),
                    _ => return None,
                }
            }
            if proxied_host.is_some() {
                host = proxied_host;
            }
        }
        let host = host?;
        is_host_and_port(&host).then(|| format!("{scheme}://{host}"))
    }
}

fn first(list: &str) -> &str {
    list.split(',').next().unwrap_or("").trim()
}

/// An address of `X-Forwarded-For` or `Forwarded: for=` (quoted, bracketed, with a port).
fn parse_node(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(ip) = value.parse() {
        return Some(ip);
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    value.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_checked() {
        for good in [
            "example.org",
            "kgql.example.org:8443",
            "127.0.0.1:7878",
            "[::1]:7878",
            "[::1]",
            "localhost",
        ] {
            assert!(is_host_and_port(good), "{good}");
        }
        for bad in [
            "x> <urn:s> <urn:p> \"pwned\" . <urn:a",
            "",
            "a b",
            "evil.com/path",
            "a:99999",
            "a:",
            "-a.com",
            "[::1",
            "[zz]:1",
            "a.com:80:80",
            "user@host",
        ] {
            assert!(!is_host_and_port(bad), "{bad}");
        }
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let headers = Headers {
            host: Some("internal:7878"),
            forwarded_host: Some("kg.example.org"),
            forwarded_proto: Some("https"),
            forwarded_for: Some("198.51.100.7, 10.0.0.9"),
            ..Headers::default()
        };
        let trust = Trust {
            proxies: vec!["10.0.0.0/8".parse().unwrap()],
        };
        assert_eq!(
            trust.public_origin(Some(proxy), &headers).as_deref(),
            Some("https://kg.example.org")
        );
        assert_eq!(
            trust.public_origin(Some(stranger), &headers).as_deref(),
            Some("http://internal:7878")
        );
        assert_eq!(
            trust.client(Some(proxy), &headers),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(trust.client(Some(stranger), &headers), Some(stranger));
        let hostile = Headers {
            forwarded_host: Some("x> <urn:s> <urn:p> \"pwned\" . <urn:a"),
            ..headers
        };
        assert_eq!(trust.public_origin(Some(proxy), &hostile), None);
        let untrusting = Trust::default();
        assert_eq!(
            untrusting.public_origin(Some(proxy), &hostile).as_deref(),
            Some("http://internal:7878")
        );
    }

    #[test]
    fn networks_match_their_addresses() {
        let net: Network = "192.168.0.0/16".parse().unwrap();
        assert!(net.contains("192.168.4.2".parse().unwrap()));
        assert!(!net.contains("192.169.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:192.168.1.1".parse().unwrap()));
        let one: Network = "::1".parse().unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<Network>().is_err());
        assert!("nonsense".parse::<Network>().is_err());
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
    }
}
