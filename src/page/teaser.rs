//! Teasers: the first words of a text, cut at a word, as French news pages show them.

/// The teaser of a text: white space folded, then, when longer than `max_chars`, cut after
/// the last whole word that fits (trailing `,;:.` and dashes dropped) and ended with `...`, as
/// on French news pages. A first word longer than `max_chars` is cut inside.
///
/// # Examples
/// ```
/// use connexe::page::teaser;
/// assert_eq!(teaser("Le Maroc mène depuis quelques années une lutte", 30), "Le Maroc mène depuis quelques...");
/// assert_eq!(teaser("Court  texte.", 30), "Court texte.");
/// assert_eq!(teaser("Fin de phrase. Suite", 16), "Fin de phrase...");
/// assert_eq!(teaser("Un, deux, trois", 9), "Un, deux...");
/// ```
pub fn teaser(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        let needed = if out.is_empty() {
            word_chars
        } else {
            word_chars + 1
        };
        if chars + needed > max_chars {
            if out.is_empty() {
                out.extend(word.chars().take(max_chars));
            }
            let kept = out
                .trim_end_matches([',', ';', ':', '.', '-', '–', '—', ' '])
                .len();
            out.truncate(kept);
            out.push_str("...");
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        chars += needed;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teaser_matches_the_reference_page_style() {
        let lead = "Le Maroc mène depuis quelques années une lutte acharnée et constante contre le \
                    terrorisme dans la région sahélo-saharienne. Dans ce cadre, il a noué des partenariats avec \
                    plusieurs pays.";
        let t = teaser(lead, 150);
        assert!(t.ends_with("..."));
        assert!(t.chars().count() <= 153);
        assert!(lead.starts_with(t.trim_end_matches("...")));
    }

    #[test]
    fn huge_first_word_is_cut_inside() {
        let word = "x".repeat(1000);
        assert_eq!(teaser(&word, 20), format!("{}...", "x".repeat(20)));
        assert_eq!(teaser("", 20), "");
    }
}
