//! Who the client is, for per-client limits. The connection's peer address is the client
//! unless that peer is one of the configured trusted proxies; only then is
//! `X-Forwarded-For` read, right to left, and the first address that is not itself a trusted
//! proxy is the client. Anything to the left of it was written by the client and may be
//! forged, so a made-up header never buys a fresh allowance.
//! (MDN, X-Forwarded-For, "Selecting an IP address": use the right-most untrusted entry.)

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ipnet::{IpNet, Ipv6Net};
use std::net::{IpAddr, SocketAddr};

use crate::error::ApiError;
use crate::routes::AppState;

/// Parses `TESSERA_TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges.
pub fn parse_trusted(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is not an IP address or CIDR range"))
        })
        .collect()
}

/// The client's address given the connection's `peer` and the request's headers.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Several headers count as one list, in order (RFC 9110 §5.3).
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // An entry that is not an address cannot be trusted, nor anything left of it.
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip())).map(|ip| ip.to_canonical())
}

/// The key a client is counted under. One IPv6 subscriber usually holds a whole /64, so an
/// address of its own would let it step to a fresh allowance at will.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Net::new(v6, 64).map(|n| n.network()).unwrap_or(v6)),
    }
}

/// The client address of a request, as an extractor for handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| ApiError::Internal("the connection's address is unknown".into()))?;
        Ok(ClientAddr(client_ip(peer, &parts.headers, &state.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_the_header_says() {
        let trusted = parse_trusted("10.0.0.0/8").unwrap();
        assert_eq!(client_ip(ip("203.0.113.9"), &xff(&["198.51.100.1"]), &trusted), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("203.0.113.9"), &xff(&["198.51.100.1"]), &[]), ip("203.0.113.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let trusted = parse_trusted("10.0.0.0/8, 192.168.0.1").unwrap();
        // The client forged the first entry; the proxy appended the address it saw.
        let headers = xff(&["1.2.3.4, 198.51.100.7"]);
        assert_eq!(client_ip(ip("10.0.0.5"), &headers, &trusted), ip("198.51.100.7"));
        // Two trusted hops, and the header split over two lines.
        let headers = xff(&["1.2.3.4, 198.51.100.7", "192.168.0.1"]);
        assert_eq!(client_ip(ip("10.0.0.5"), &headers, &trusted), ip("198.51.100.7"));
    }

    #[test]
    fn a_trusted_peer_without_a_usable_header_is_itself_the_client() {
        let trusted = parse_trusted("10.0.0.0/8").unwrap();
        assert_eq!(client_ip(ip("10.0.0.5"), &HeaderMap::new(), &trusted), ip("10.0.0.5"));
        assert_eq!(client_ip(ip("10.0.0.5"), &xff(&["garbage"]), &trusted), ip("10.0.0.5"));
        // Garbage left of a real hop is never reached.
        assert_eq!(client_ip(ip("10.0.0.5"), &xff(&["junk, 198.51.100.7"]), &trusted), ip("198.51.100.7"));
        // Every hop trusted: the left-most one is as far as anyone can see.
        assert_eq!(client_ip(ip("10.0.0.5"), &xff(&["10.1.1.1, 10.2.2.2"]), &trusted), ip("10.1.1.1"));
    }

    #[test]
    fn hops_with_ports_and_mapped_ipv6_are_read_as_plain_addresses() {
        let trusted = parse_trusted("::1").unwrap();
        assert_eq!(client_ip(ip("::1"), &xff(&["198.51.100.7:4711"]), &trusted), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("::1"), &xff(&["[2001:db8::1]:443"]), &trusted), ip("2001:db8::1"));
        assert_eq!(client_ip(ip("::ffff:203.0.113.9"), &HeaderMap::new(), &[]), ip("203.0.113.9"));
    }

    #[test]
    fn ipv6_clients_are_counted_per_slash_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:bbbb::9")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("203.0.113.9")), ip("203.0.113.9"));
    }

    #[test]
    fn trusted_lists_reject_what_is_not_an_address() {
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("proxy.internal").is_err());
        assert_eq!(parse_trusted(" , ").unwrap(), vec![]);
    }
}
