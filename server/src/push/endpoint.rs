//! Which subscription endpoints the server will send to. A browser's push service is a public
//! `https://` URL; anything else a client sends is refused, so a subscription cannot make the
//! server POST into its own network (SSRF).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;
use tsunagu_api::MAX_PUSH_ENDPOINT_BYTES;

/// Why an endpoint is refused (`push_endpoint_invalid`, `push_endpoint_forbidden`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointError {
    /// Not an absolute `https://` URL with a host, too long, or with credentials in it.
    Invalid,
    /// A loopback, private, link-local or otherwise non-public address, or `localhost`.
    Forbidden,
}

/// The endpoint as a URL if the server may send to it. `allow_loopback_http` (the hidden test
/// flag) lets `http://` and loopback addresses through, for a push service the test runs.
pub fn validate(raw: &str, allow_loopback_http: bool) -> Result<Url, EndpointError> {
    if raw.len() > MAX_PUSH_ENDPOINT_BYTES {
        return Err(EndpointError::Invalid);
    }
    let url = Url::parse(raw).map_err(|_| EndpointError::Invalid)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EndpointError::Invalid);
    }
    let loopback = match url.host() {
        None => return Err(EndpointError::Invalid),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                return Err(EndpointError::Forbidden);
            }
            false
        }
        Some(url::Host::Ipv4(ip)) => classify(IpAddr::V4(ip))?,
        Some(url::Host::Ipv6(ip)) => classify(IpAddr::V6(ip))?,
    };
    match (url.scheme(), loopback) {
        ("https", false) => Ok(url),
        ("https" | "http", true) if allow_loopback_http => Ok(url),
        (_, true) => Err(EndpointError::Forbidden),
        _ => Err(EndpointError::Invalid),
    }
}

/// `Ok(true)` for a loopback address (allowed only with the test flag), `Ok(false)` for a
/// public one, `Forbidden` for every other special range.
fn classify(ip: IpAddr) -> Result<bool, EndpointError> {
    let ip = match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    };
    if ip.is_loopback() {
        return Ok(true);
    }
    let special = match ip {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => special_v6(v6),
    };
    if special {
        Err(EndpointError::Forbidden)
    } else {
        Ok(false)
    }
}

/// Whether a push may go to this address: public ones, and loopback with the test flag.
fn sendable(ip: IpAddr, allow_loopback: bool) -> bool {
    match classify(ip) {
        Ok(loopback) => !loopback || allow_loopback,
        Err(_) => false,
    }
}

/// The push client's resolver: a subscription's host name may later point into our own network
/// (or always did: its address is not checked when subscribing), so at sending time only the
/// public addresses it resolves to are used, and a name with none fails like an unknown one.
#[derive(Debug, Clone, Copy)]
pub struct PublicResolver {
    pub allow_loopback: bool,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|addr| sendable(addr.ip(), allow_loopback))
                .collect();
            if addrs.is_empty() {
                return Err("the push service's name has no public address".into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn special_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        // 0.0.0.0/8, carrier-grade NAT 100.64.0.0/10, 198.18.0.0/15 benchmarks, 240/4 reserved
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
}

fn special_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_unspecified()
        || ip.is_multicast()
        // unique local fc00::/7, link-local fe80::/10, documentation 2001:db8::/32
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // IPv4-compatible and NAT64 forms carry an IPv4 address we would have to judge too
        || ip.to_ipv4().is_some()
        || (first == 0x64 && ip.segments()[1] == 0xff9b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_https_endpoints_pass() {
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc:def",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
            "https://web.push.apple.com/QGuQyavXut",
            "https://8.8.8.8/x",
            "https://[2606:4700::1111]/x",
        ] {
            assert!(validate(ok, false).is_ok(), "{ok}");
        }
    }

    #[test]
    fn other_schemes_garbage_and_long_urls_are_invalid() {
        let long = format!(
            "https://push.example.jp/{}",
            "a".repeat(MAX_PUSH_ENDPOINT_BYTES)
        );
        for bad in [
            "http://push.example.jp/x",
            "ftp://push.example.jp/x",
            "push.example.jp/x",
            "",
            "https://user:pw@push.example.jp/x",
            "data:text/plain,x",
            long.as_str(),
        ] {
            assert_eq!(
                validate(bad, false).unwrap_err(),
                EndpointError::Invalid,
                "{bad}"
            );
        }
    }

    #[test]
    fn internal_addresses_are_forbidden_however_written() {
        for bad in [
            "https://127.0.0.1/x",
            "https://127.1/x",
            "https://0x7f000001/x",
            "https://localhost/x",
            "https://a.localhost./x",
            "https://10.1.2.3/x",
            "https://172.16.0.1/x",
            "https://192.168.1.1/x",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/x",
            "https://0.0.0.0/x",
            "https://[::1]/x",
            "https://[::ffff:10.0.0.1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "http://10.0.0.1/x",
        ] {
            assert_eq!(
                validate(bad, false).unwrap_err(),
                EndpointError::Forbidden,
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn names_resolving_to_internal_addresses_are_not_sent_to() {
        use reqwest::dns::Resolve as _;
        let name = |n: &str| n.parse::<reqwest::dns::Name>().unwrap();
        let strict = PublicResolver {
            allow_loopback: false,
        };
        assert!(strict.resolve(name("localhost")).await.is_err());
        let test = PublicResolver {
            allow_loopback: true,
        };
        let addrs: Vec<SocketAddr> = test.resolve(name("localhost")).await.unwrap().collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()) && !addrs.is_empty());
        assert!(sendable("93.184.215.14".parse().unwrap(), false));
        assert!(!sendable("10.0.0.8".parse().unwrap(), true));
    }

    #[test]
    fn the_test_flag_opens_loopback_only() {
        assert!(validate("http://127.0.0.1:4000/push/1", true).is_ok());
        assert!(validate("http://[::1]:4000/push/1", true).is_ok());
        assert_eq!(
            validate("http://10.0.0.1:4000/x", true).unwrap_err(),
            EndpointError::Forbidden
        );
        assert_eq!(
            validate("http://push.example.jp/x", true).unwrap_err(),
            EndpointError::Invalid
        );
    }
}
