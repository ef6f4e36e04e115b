//! Helpers shared by the fuzz targets.

/// Splits a fuzz input into `N` text fields at the byte 0xFF (which never occurs in UTF-8, so
/// the committed seeds stay readable); bytes that are not UTF-8 become U+FFFD. Missing fields
/// are empty, extra separators stay in the last field.
pub fn fields<const N: usize>(data: &[u8]) -> [String; N] {
    let mut parts = data.splitn(N, |&b| b == 0xFF);
    std::array::from_fn(|_| String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned())
}
