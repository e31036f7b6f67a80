//! The Python binding of connexe: conversions only, one file an area.
//!
//! - `error`: core errors as the `ConnexeError` hierarchy of `connexe._errors`.
//! - `convert`: Python values to the core's JSON forms (articles, configs) and results back.
//! - `index`: the `Index` class.
//! - `eval`: the `evaluate` function.
//!
//! Every call that takes time runs with the GIL released (`Python::detach`); validation,
//! error messages and results are the core's.

mod convert;
mod error;
mod eval;
mod index;

/// connexe's native module; import `connexe` instead.
#[pyo3::pymodule(name = "_connexe")]
mod connexe_module {
    #[pymodule_export]
    use crate::eval::evaluate;
    #[pymodule_export]
    use crate::index::PyIndex;

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
