//! The page as an HTML fragment: every text escaped, only web URLs as links.

use std::fmt::Write as _;

use super::PageRecommendations;

impl PageRecommendations {
    /// An HTML fragment of the three blocks; every text is escaped (titles and teasers are
    /// untrusted), and only `http`, `https` and relative URLs become links.
    ///
    /// "À lire" links come as `<aside data-after-paragraph="N">` elements for the CMS to
    /// place; the lists as `<section>`s.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index, PageConfig};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Daech <b>menace</b>", "Daech menace Rome."))?;
    /// index.add(Article::new("b", "Daech & \"Rome\" <script>alert(1)</script>", "Daech menace Rome encore."))?;
    /// let html = index.page("a", &PageConfig::default())?.to_html();
    /// assert!(html.contains("Daech &amp; &quot;Rome&quot; &lt;script&gt;alert(1)&lt;/script&gt;"));
    /// assert!(!html.contains("<script>"));
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn to_html(&self) -> String {
        let mut html = String::new();
        let lang = self.lang.code();
        for link in &self.read_also {
            let _ = writeln!(
                html,
                r#"<aside class="connexe-read-also" lang="{lang}" data-after-paragraph="{}"><span class="connexe-label">{} :</span> {}</aside>"#,
                link.after_paragraph,
                escape(&self.labels.read_also),
                anchor(&link.title, link.url.as_deref()),
            );
        }
        for (class, label, items) in [
            ("connexe-go-further", &self.labels.go_further, &self.go_further),
            (
                "connexe-you-may-like",
                &self.labels.you_may_like,
                &self.you_may_like,
            ),
        ] {
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(html, r#"<section class="{class}" lang="{lang}">"#);
            let _ = writeln!(html, "  <h2>{}</h2>", escape(label));
            let _ = writeln!(html, "  <ul>");
            for item in items {
                let _ = writeln!(
                    html,
                    r#"    <li data-id="{}">{}<p>{}</p></li>"#,
                    escape(&item.id),
                    anchor(&item.title, item.url.as_deref()),
                    escape(&item.teaser)
                );
            }
            let _ = writeln!(html, "  </ul>\n</section>");
        }
        html
    }
}

fn anchor(title: &str, url: Option<&str>) -> String {
    let safe = url.filter(|u| {
        let lower = u.trim_start().to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('/')
    });
    match safe {
        Some(url) => format!(r#"<a href="{}">{}</a>"#, escape(url), escape(title)),
        None => format!("<span>{}</span>", escape(title)),
    }
}

/// Escapes the five characters that matter in HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(anchor("T", Some("javascript:alert(1)")), "<span>T</span>");
        assert_eq!(
            anchor("T", Some("/a?b=1&c=2")),
            r#"<a href="/a?b=1&amp;c=2">T</a>"#
        );
        assert_eq!(
            anchor("T", Some("HTTPS://x.fr")),
            r#"<a href="HTTPS://x.fr">T</a>"#
        );
    }
}
