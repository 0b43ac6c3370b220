//! Entry point of the operator console build (`operator.html`, served under `/operator/`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tsunagu_web::OperatorApp);
}
