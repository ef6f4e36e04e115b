//! OAuth 1.0a request signing (RFC 5849), HMAC-SHA1 only: what the Aflexi portal's
//! `oauth/request` takes (docs/AFLEXI-API.md#portal-oauth).
//!
//! The rules, each in one function: [`encode`] (§3.6 percent-encoding), [`base_string_uri`]
//! (§3.4.1.2), [`normalized_parameters`] (§3.4.1.3.2), [`base_string`] (§3.4.1.1) and
//! [`hmac_sha1`] (§3.4.2). [`sign`] puts them together for one request; the time and nonce come
//! in a [`Stamp`] so tests can fix them. The sandbox verifies with the same functions, and
//! the published test vectors below check them against the specification.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rand::Rng;
use sha1::Sha1;

use crate::{Error, Result, Secret};

/// Every byte but the unreserved characters `ALPHA DIGIT - . _ ~` (RFC 5849 §3.6).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The signature method this module implements.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// RFC 5849 §3.6 percent-encoding: UTF-8, every byte but the unreserved ones as `%XX`
/// (upper-case hex).
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, RESERVED).to_string()
}

/// The time and nonce of one signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Seconds since the Unix epoch.
    pub timestamp: u64,
    /// A value unique for the timestamp and consumer.
    pub nonce: String,
}

impl Stamp {
    /// The current time and a random 32-character nonce.
    pub fn now() -> Stamp {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let nonce = rand::rng()
            .sample_iter(rand::distr::Alphanumeric)
            .take(32)
            .map(char::from)
            .collect();
        Stamp { timestamp, nonce }
    }
}

/// RFC 5849 §3.4.1.2: scheme and host in lower case, the port only when it is not the
/// scheme's default, the path (`/` when empty); no query, no fragment.
pub fn base_string_uri(url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::invalid("URL", format!("{url:?} is not a URL: {e}")))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| Error::invalid("URL", format!("{url:?} has no host")))?;
    let port = match parsed.port() {
        Some(port) => format!(":{port}"),
        None => String::new(),
    };
    let path = if parsed.path().is_empty() {
        "/"
    } else {
        parsed.path()
    };
    Ok(format!(
        "{}://{}{port}{path}",
        parsed.scheme(),
        host.to_ascii_lowercase()
    ))
}

/// The query parameters of `url`, decoded as `application/x-www-form-urlencoded`
/// (RFC 5849 §3.4.1.3.1).
pub fn query_parameters(url: &str) -> Result<Vec<(String, String)>> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::invalid("URL", format!("{url:?} is not a URL: {e}")))?;
    Ok(parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// Decodes an `application/x-www-form-urlencoded` body (`+` is a space).
pub fn form_parameters(body: &str) -> Vec<(String, String)> {
    reqwest::Url::parse("http://x/")
        .map(|mut u| {
            u.set_query(Some(body));
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Encodes name/value pairs as a form body (RFC 5849 encoding, which forms accept).
pub fn form_body(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 5849 §3.4.1.3.2: each name and value encoded, sorted by name then value, joined as
/// `name=value` with `&`. `oauth_signature` and `realm` are left out.
pub fn normalized_parameters(params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "oauth_signature" && k != "realm")
        .map(|(k, v)| (encode(k), encode(v)))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 5849 §3.4.1.1: `METHOD&uri&parameters`, each part encoded. `params` are the
/// request's parameters from every source (query, form body, protocol parameters) besides
/// those in `url`'s query, which are added here.
pub fn base_string(method: &str, url: &str, params: &[(String, String)]) -> Result<String> {
    let mut all = query_parameters(url)?;
    all.extend(params.iter().cloned());
    Ok(format!(
        "{}&{}&{}",
        encode(&method.to_ascii_uppercase()),
        encode(&base_string_uri(url)?),
        encode(&normalized_parameters(&all))
    ))
}

/// RFC 5849 §3.4.2: base64 of HMAC-SHA1 over the base string, keyed with
/// `encode(consumer secret)&encode(token secret)`.
pub fn hmac_sha1(base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(base_string.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The consumer (and, for 3-legged requests, the token) a request is signed with.
#[derive(Debug, Clone)]
pub struct Signer<'a> {
    /// `oauth_consumer_key`.
    pub consumer_key: &'a str,
    /// The consumer secret.
    pub consumer_secret: &'a Secret,
    /// `oauth_token` and its secret; none for a 2-legged request.
    pub token: Option<(&'a str, &'a Secret)>,
}

/// A signed request's protocol parameters, `oauth_signature` last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The `oauth_*` parameters, the signature included.
    pub oauth: Vec<(String, String)>,
    /// The signature base string (for tests and diagnosis; it holds no secret).
    pub base_string: String,
}

impl Signed {
    /// The `Authorization` header value (RFC 5849 §3.5.1).
    pub fn authorization(&self) -> String {
        let fields: Vec<String> = self
            .oauth
            .iter()
            .map(|(k, v)| format!("{}=\"{}\"", encode(k), encode(v)))
            .collect();
        format!("OAuth {}", fields.join(", "))
    }
}

/// Signs a request: `params` are its query and form parameters other than those in `url`.
pub fn sign(
    method: &str,
    url: &str,
    params: &[(String, String)],
    signer: &Signer<'_>,
    stamp: &Stamp,
) -> Result<Signed> {
    let mut oauth = vec![
        (
            "oauth_consumer_key".to_string(),
            signer.consumer_key.to_string(),
        ),
        ("oauth_nonce".to_string(), stamp.nonce.clone()),
        (
            "oauth_signature_method".to_string(),
            SIGNATURE_METHOD.to_string(),
        ),
        ("oauth_timestamp".to_string(), stamp.timestamp.to_string()),
        ("oauth_version".to_string(), "1.0".to_string()),
    ];
    if let Some((token, _)) = signer.token {
        oauth.push(("oauth_token".to_string(), token.to_string()));
    }
    let mut all = params.to_vec();
    all.extend(oauth.iter().cloned());
    let base_string = base_string(method, url, &all)?;
    let token_secret = signer.token.map_or("", |(_, s)| s.expose());
    let signature = hmac_sha1(&base_string, signer.consumer_secret.expose(), token_secret);
    oauth.push(("oauth_signature".to_string(), signature));
    Ok(Signed { oauth, base_string })
}

/// Reads the parameters of an `Authorization: OAuth ...` header (RFC 5849 §3.5.1); `realm`
/// is dropped. None when the header is not an OAuth one or is malformed.
pub fn parse_authorization(header: &str) -> Option<Vec<(String, String)>> {
    let rest = header.trim().strip_prefix("OAuth ")?;
    let mut out = Vec::new();
    for field in rest.split(',') {
        let (name, value) = field.trim().split_once('=')?;
        let value = value.strip_prefix('"')?.strip_suffix('"')?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        };
        let (name, value) = (decode(name)?, decode(value)?);
        if name != "realm" {
            out.push((name, value));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// RFC 5849 §3.4.1.1: the example request and its signature base string.
    #[test]
    fn rfc5849_example_base_string() {
        let params = pairs(&[
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
            ("oauth_signature", "bYT5CMsGcbgUdFHObYMEfcx6bsw="),
            ("realm", "Example"),
            ("c2", ""),
            ("a3", "2 q"),
        ]);
        let base = base_string(
            "POST",
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            &params,
        )
        .unwrap();
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    /// RFC 5849 §3.4.1.2: the base string URI examples.
    #[test]
    fn rfc5849_base_string_uri_examples() {
        assert_eq!(
            base_string_uri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123").unwrap(),
            "http://example.com/r%20v/X"
        );
        assert_eq!(
            base_string_uri("https://www.example.net:8080/?q=1").unwrap(),
            "https://www.example.net:8080/"
        );
    }

    /// The classic vector of OAuth Core 1.0 Appendix A.5 (photos.example.net).
    #[test]
    fn oauth_core_photos_example_signature() {
        let secret = Secret::new("kd94hf93k423kf44");
        let token_secret = Secret::new("pfkkdhi9sl3r4s00");
        let signer = Signer {
            consumer_key: "dpf43f3p2l4k3l03",
            consumer_secret: &secret,
            token: Some(("nnch734d00sl2jdk", &token_secret)),
        };
        let stamp = Stamp {
            timestamp: 1191242096,
            nonce: "kllo9940pd9333jh".into(),
        };
        let signed = sign(
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
            &[],
            &signer,
            &stamp,
        )
        .unwrap();
        assert_eq!(
            signed.base_string,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
             oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh\
             %26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096\
             %26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
        );
        let signature = &signed.oauth.last().unwrap().1;
        assert_eq!(signature, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
        assert!(signed
            .authorization()
            .contains("oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""));
    }

    /// RFC 5849 §3.6: unreserved characters stay, everything else is `%XX` in upper case,
    /// non-ASCII as its UTF-8 bytes.
    #[test]
    fn percent_encoding_follows_rfc5849() {
        assert_eq!(encode("Az09-._~"), "Az09-._~");
        assert_eq!(encode("a b+c/=&*"), "a%20b%2Bc%2F%3D%26%2A");
        assert_eq!(encode("é☃"), "%C3%A9%E2%98%83");
    }

    #[test]
    fn authorization_header_round_trips() {
        let secret = Secret::new("s");
        let signer = Signer {
            consumer_key: "key with space",
            consumer_secret: &secret,
            token: None,
        };
        let stamp = Stamp {
            timestamp: 1,
            nonce: "n".into(),
        };
        let signed = sign("POST", "http://h/oauth/request", &[], &signer, &stamp).unwrap();
        let parsed = parse_authorization(&signed.authorization()).unwrap();
        assert_eq!(parsed, signed.oauth);
        assert_eq!(parse_authorization("Basic abc"), None);
    }

    #[test]
    fn stamps_differ() {
        assert_ne!(Stamp::now().nonce, Stamp::now().nonce);
    }
}
