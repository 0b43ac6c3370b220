//! Trusted reverse proxies: which peers may tell us the client's address (`X-Forwarded-For`)
//! and that the request arrived over TLS (`X-Forwarded-Proto`). Headers from any other peer
//! are ignored, since anyone can send them. Pure functions, so they are testable without a
//! server.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address block: an IP with a prefix length (a bare IP is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // `::ffff:10.0.0.1` from a dual-stack socket is the IPv4 peer 10.0.0.1.
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (whole, rest) = (usize::from(prefix / 8), prefix % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (ip, prefix) = match s.split_once('/') {
            Some((ip, prefix)) => (ip, Some(prefix)),
            None => (s, None),
        };
        let addr: IpAddr = ip
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or CIDR block"))?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// The configured proxies; empty (the default) trusts no forwarding header at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    pub fn new(blocks: Vec<Cidr>) -> Self {
        Self(blocks)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(ip))
    }
}

/// Comma-separated IPs and CIDR blocks (`10.0.0.1, 192.168.0.0/16, ::1`), as given on the
/// command line; an empty string is no proxy.
impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.split(',')
            .filter(|part| !part.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// The client's address: the peer itself, unless the peer is a trusted proxy, in which case the
/// rightmost address of `X-Forwarded-For` that is not itself a trusted proxy (addresses further
/// left were written by the client and prove nothing). A malformed header from a trusted proxy
/// leaves the proxy's own address, never a guess.
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    if !trusted.contains(peer) {
        return Some(peer);
    }
    // Several header lines form one list, in order (RFC 9110 §5.3).
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return Some(peer);
        };
        for hop in value.split(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(ip.to_canonical()),
                Err(_) => return Some(peer),
            }
        }
    }
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        client = hop;
        if !trusted.contains(hop) {
            break;
        }
    }
    Some(client)
}

/// Whether the request reached the trusted proxy over TLS: `X-Forwarded-Proto: https` sent by a
/// trusted peer. The last value counts, as the one our own proxy appended.
pub fn forwarded_https(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> bool {
    let Some(peer) = peer else { return false };
    if !trusted.contains(peer) {
        return false;
    }
    headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn blocks_parse_and_match_by_prefix() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.168.1.7 ,fd00::/8".parse().unwrap();
        assert!(proxies.contains(ip("10.200.3.4")));
        assert!(!proxies.contains(ip("11.0.0.1")));
        assert!(proxies.contains(ip("192.168.1.7")));
        assert!(!proxies.contains(ip("192.168.1.8")));
        assert!(proxies.contains(ip("fd12::1")));
        assert!(!proxies.contains(ip("fe80::1")));
        // An IPv4 peer seen through a dual-stack socket.
        assert!(proxies.contains(ip("::ffff:10.1.2.3")));
        assert!("172.16.0.0/12"
            .parse::<Cidr>()
            .unwrap()
            .contains(ip("172.31.255.255")));
        assert!(!"172.16.0.0/12"
            .parse::<Cidr>()
            .unwrap()
            .contains(ip("172.32.0.0")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "example.com",
            "10.0.0.1/x",
            "10.0.0/8",
        ] {
            assert!(bad.parse::<TrustedProxies>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_peer() {
        let proxies: TrustedProxies = "10.0.0.1".parse().unwrap();
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.9")]);
        // A client claiming another address is ignored.
        assert_eq!(
            client_ip(Some(ip("198.51.100.1")), &forwarded, &proxies),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &forwarded, &proxies),
            Some(ip("203.0.113.9"))
        );
        // Nothing configured: headers never count.
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &forwarded, &TrustedProxies::default()),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(client_ip(None, &forwarded, &proxies), None);
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let peer = Some(ip("10.0.0.1"));
        // The client forged the first entry; our proxies appended the rest.
        let chain = headers(&[
            ("x-forwarded-for", "1.1.1.1, 203.0.113.9"),
            ("x-forwarded-for", "10.0.0.2"),
        ]);
        assert_eq!(client_ip(peer, &chain, &proxies), Some(ip("203.0.113.9")));
        // Only proxies: the leftmost is the best we know.
        let inner = headers(&[("x-forwarded-for", "10.0.0.3, 10.0.0.2")]);
        assert_eq!(client_ip(peer, &inner, &proxies), Some(ip("10.0.0.3")));
        // No header, or garbage: the proxy's own address.
        assert_eq!(client_ip(peer, &HeaderMap::new(), &proxies), peer);
        let garbage = headers(&[("x-forwarded-for", "1.1.1.1, unknown")]);
        assert_eq!(client_ip(peer, &garbage, &proxies), peer);
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_peer() {
        let proxies: TrustedProxies = "10.0.0.1".parse().unwrap();
        let https = headers(&[("x-forwarded-proto", "https")]);
        assert!(forwarded_https(Some(ip("10.0.0.1")), &https, &proxies));
        assert!(!forwarded_https(Some(ip("10.0.0.2")), &https, &proxies));
        assert!(!forwarded_https(None, &https, &proxies));
        let http = headers(&[("x-forwarded-proto", "https, http")]);
        assert!(!forwarded_https(Some(ip("10.0.0.1")), &http, &proxies));
        assert!(!forwarded_https(
            Some(ip("10.0.0.1")),
            &HeaderMap::new(),
            &proxies
        ));
    }
}
