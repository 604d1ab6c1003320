//! The webhook Code: a human- and script-friendly identifier suggested from the Name.

use unicode_normalization::UnicodeNormalization;

/// The longest Code the engine accepts (and suggests).
pub const CODE_MAX_LEN: usize = 64;

/// Suggests a Code from a Name: accents folded to ASCII, lowercase, every run of other
/// characters turned into one `_`, leading and trailing `_` trimmed, at most 64 characters.
///
/// `"Órdenes de Compra – 2024"` → `ordenes_de_compra_2024`. A name with nothing foldable
/// (empty, only symbols) yields an empty suggestion; the user then types a Code.
pub fn suggest_code(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_sep = false;
    for c in name.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let folded: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'þ' | 'Þ' => "th",
            'ı' => "i",
            _ => "",
        };
        let mut push = |ch: char| {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.push(ch);
        };
        if !folded.is_empty() {
            folded.chars().for_each(&mut push);
        } else if c.is_ascii_alphanumeric() {
            push(c.to_ascii_lowercase());
        } else {
            pending_sep = true;
        }
    }
    truncate_code(&out, CODE_MAX_LEN)
}

/// Cuts a code to `max` characters without leaving a trailing `_`.
fn truncate_code(code: &str, max: usize) -> String {
    let cut = &code[..code.len().min(max)];
    cut.trim_end_matches('_').to_string()
}

/// The first of `base`, `base_2`, `base_3`, … that `taken` does not claim, kept within 64 chars.
pub fn unique_code(base: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    if base.is_empty() || !taken(base) {
        return base.to_string();
    }
    (2u32..)
        .map(|n| {
            let suffix = format!("_{n}");
            format!("{}{suffix}", truncate_code(base, CODE_MAX_LEN - suffix.len()))
        })
        .find(|candidate| !taken(candidate))
        .expect("an unbounded range always yields a free code")
}

/// Whether `code` matches `^[a-z0-9_]+$` and fits in 64 characters.
pub fn is_valid_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= CODE_MAX_LEN && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
