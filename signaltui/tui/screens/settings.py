"""The Settings tab: credential status, mapping options for this session, targets."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from signaltui.core.request import DESTINATIONS
from signaltui.errors import SignaltuiError
from signaltui.tui.settings_model import apply_edits, credential_status, path_lines

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp


class SettingsPane(VerticalScroll):
    """Shows the session's settings; Apply re-plans the preview with the edited ones."""

    @property
    def signal_app(self) -> SignalApp:
        return cast("SignalApp", self.app)

    def compose(self) -> ComposeResult:
        settings = self.signal_app.settings
        mapping = settings.mapping_config
        yield Static("Files", classes="section")
        yield Static(id="settings-paths")
        yield Static("Credentials (environment or config file)", classes="section")
        yield Static(id="credential-status")
        yield Static(
            "Mapping options (this session; the config file is not changed)", classes="section"
        )
        with Grid(classes="form-grid settings-grid"):
            yield Static("Default phone region")
            yield Input(mapping.default_region, id="set-region", compact=True)
            yield Static("Apollo dedupe")
            yield Checkbox("run_dedupe", mapping.apollo_dedupe, id="set-dedupe", compact=True)
            yield Static("Close lead status")
            yield Input(
                mapping.close_lead_status_id or "",
                placeholder="org default (stat_…)",
                id="set-close-status",
                compact=True,
            )
            for destination in DESTINATIONS:
                yield Static(f"Consent · {destination}")
                yield Input(
                    ", ".join(mapping.consent_categories(destination)),
                    id=f"set-consent-{destination}",
                    compact=True,
                )
        yield Button("Apply  (re-plans the preview)", id="settings-apply", variant="primary")
        yield Static("Targets", classes="section")
        yield Static(id="target-info")

    def on_mount(self) -> None:
        self.show_status()

    def show_status(self) -> None:
        """Refresh the read-only parts from the app's current settings."""
        settings = self.signal_app.settings
        text = Text()
        for number, (destination, configured) in enumerate(credential_status(settings)):
            text.append(("\n" if number else "") + f"{destination:<9}")
            if configured:
                text.append("configured ✓", "bold green")
            else:
                text.append("not configured", "yellow")
                text.append(" — mocks use placeholders; live sends are refused", "dim")
        self.query_one("#credential-status", Static).update(text)
        paths = Text()
        for number, (label, path, state) in enumerate(
            path_lines(settings, self.signal_app.config_path)
        ):
            paths.append(("\n" if number else "") + f"{label:<16}")
            paths.append(path, "bold")
            if state:
                paths.append(f"  ({state})", "dim")
        self.query_one("#settings-paths", Static).update(paths)
        mapping = settings.mapping_config
        info = Text()
        info.append("in-process mock   the default; no network, nothing leaves the app\n")
        info.append("mock server URL   start one on the Mocks tab, or `signaltui mock serve`\n")
        for destination in DESTINATIONS:
            info.append(f"live {destination:<12} {mapping.base_url(destination)}\n")
        delivery = settings.delivery
        info.append(
            f"delivery          {delivery.max_attempts} attempts, timeout {delivery.timeout:g}s, "
            + (
                "paced per CRM limits\n"
                if delivery.rate_limit_per_second is None
                else f"{delivery.rate_limit_per_second:g} req/s\n"
            )
        )
        info.append("store             see Files above")
        self.query_one("#target-info", Static).update(info)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "settings-apply":
            return
        try:
            updated = apply_edits(
                self.signal_app.settings,
                default_region=self.query_one("#set-region", Input).value,
                apollo_dedupe=self.query_one("#set-dedupe", Checkbox).value,
                close_lead_status_id=self.query_one("#set-close-status", Input).value,
                consent={d: self.query_one(f"#set-consent-{d}", Input).value for d in DESTINATIONS},
            )
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Settings", severity="error")
            return
        self.signal_app.apply_settings(updated)
        self.show_status()
        self.app.notify("Settings applied to this session.")
