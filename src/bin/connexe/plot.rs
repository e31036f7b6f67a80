//! nDCG@k curves as an SVG picture (plotters, SVG backend only: no font or image library).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use connexe::atomic_file::AtomicFile;
use plotters::prelude::*;

/// Line colours: the Okabe-Ito palette, told apart by colour-blind readers too.
const COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 0, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// Draws one line per configuration: `series` are (label, nDCG@1..n, drawn thicker), all of
/// the same length. The file is written whole (through an [`AtomicFile`]), so a failed run
/// leaves no half picture.
pub fn ndcg_curves(path: &Path, title: &str, series: &[(&str, Vec<f64>, bool)]) -> Result<()> {
    let max_k = series.iter().map(|s| s.1.len()).max().unwrap_or(0).max(2);
    let values = series.iter().flat_map(|s| s.1.iter().copied());
    let (lo, hi) = values.fold((1.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // Whole tenths around the data, so that differences between lines stay visible.
    let (lo, hi) = if lo > hi {
        (0.0, 1.0)
    } else {
        (
            ((lo * 10.0).floor() / 10.0).max(0.0),
            ((hi * 10.0).ceil() / 10.0).min(1.0).max(lo + 0.1),
        )
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (820, 520)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(20)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(1usize..max_k, lo..hi)?;
        chart
            .configure_mesh()
            .x_labels(max_k)
            .max_light_lines(1)
            .x_desc("k (cut-off rank)")
            .y_desc("mean nDCG@k")
            .y_label_formatter(&|y| format!("{y:.2}"))
            .draw()?;
        for (i, (label, curve, thick)) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let width = if *thick { 3 } else { 2 };
            let points = curve.iter().enumerate().map(|(k, v)| (k + 1, *v));
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(width)).point_size(width + 1))?
                .label(*label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(width))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
        root.present()?;
    }
    let name = path.display().to_string();
    let mut file = AtomicFile::create(path)?;
    file.write_all(svg.as_bytes()).with_context(|| name.clone())?;
    Ok(file.commit()?)
}
