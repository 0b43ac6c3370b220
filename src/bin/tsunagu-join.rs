//! Entry point of the family invitation build (`join.html`, served under `/join/`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tsunagu_web::JoinApp);
}
