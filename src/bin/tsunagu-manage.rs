//! Entry point of the management build (`manage.html`, served under `/manage/`).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tsunagu_web::ManageApp);
}
