//! Entry point of the search build (`search.html`, served under `/search`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tsunagu_web::SearchApp);
}
