"""All configuration in one typed place, read from IPS_ROADMAP_* variables; built at the entrypoint."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.errors import InvalidInput
from roadmap.domain.outbox import RetryPolicy
from roadmap.domain.outcome import EmploymentBenchmarks
from roadmap.domain.schedule import SweepSchedule
from roadmap.render import check_templates

DEFAULT_DATABASE_URL = "sqlite:///ips-roadmap.db"
# The drivers this package installs; anything else would fail later with an import error.
_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


LOCAL_ADDRESS = "http://127.0.0.1:8000"


class LinkAction(StrEnum):
    """What an agency's personal link may do besides reading its pages (the state's choice)."""

    CHECKLIST = "checklist"
    OUTCOMES = "outcomes"
    ACTIONS = "actions"
    CONTACTS = "contacts"


class WebSettings(BaseModel):
    """The web app: where it is reached, how long sessions and links last, what agency links may do, sign-on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The shared state password of earlier versions. Kept only to refuse it with a way forward (each person now
    # signs in as themselves: `ips-roadmap user add`).
    username: str | None = None
    password: SecretStr | None = None
    # Where people reach the app. Reminders carry personal links only once it is set (a link to this machine
    # would be dead in a director's inbox); it is also the one host name the app answers to beyond loopback.
    base_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(?::\d+)?/?$")
    # How long the personal link in an agency contact's reminders works (renewed a month before it ends).
    link_days: int = Field(default=90, ge=45, le=366)
    # What agency links may do from their pages (all by default); an empty list keeps them to reading.
    link_actions: tuple[LinkAction, ...] = tuple(LinkAction)
    # A signed-in session ends after this long without a request, and in any case after session_days.
    session_idle_hours: int = Field(default=8, ge=1, le=168)
    session_days: int = Field(default=7, ge=1, le=90)
    # Single sign-on (OpenID Connect): the issuer URL, and this app's client id and secret there.
    oidc_issuer: str | None = Field(default=None, pattern=r"^https?://\S+$")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None

    @property
    def address(self) -> str:
        """Where the app is reached: the configured base URL, or the local default `ips-roadmap web` serves."""
        return (self.base_url or LOCAL_ADDRESS).rstrip("/")

    @property
    def shared_password_set(self) -> bool:
        """The retired shared password is still configured."""
        return bool(self.username or (self.password and self.password.get_secret_value()))

    @property
    def oidc(self) -> bool:
        """Single sign-on is configured (all three of issuer, client id and secret)."""
        secret = self.oidc_client_secret.get_secret_value() if self.oidc_client_secret else ""
        return bool(self.oidc_issuer and self.oidc_client_id and secret)


class Settings(BaseSettings):
    """Where the state is stored and which roadmap it follows."""

    model_config = SettingsConfigDict(env_prefix="IPS_ROADMAP_", env_nested_delimiter="__", extra="ignore")

    # A SecretStr so the password inside a PostgreSQL URL never lands in a repr, log or error.
    database_url: SecretStr = SecretStr(DEFAULT_DATABASE_URL)
    # How long a command waits for another one's write on SQLite before it gives up (nothing written).
    sqlite_wait_seconds: float = Field(default=30, gt=0, le=3600)
    roadmap_file: Path | None = None
    fidelity_scale_file: Path | None = None
    reminder_rules_file: Path | None = None
    routines_file: Path | None = None
    visits_file: Path | None = None
    # The mail server as an apprise mailto:// or mailtos:// URL without recipients; it may hold a password.
    mail_url: SecretStr | None = None
    templates_dir: Path | None = None
    retry: RetryPolicy = RetryPolicy()
    # e.g. IPS_ROADMAP_CADENCE__GOOD_MONTHS=12 for a state that reviews good programs yearly.
    cadence: CadenceRules = CadenceRules()
    # e.g. IPS_ROADMAP_BENCHMARKS__MINIMAL=35: the quarterly employment-rate bands, in percent.
    benchmarks: EmploymentBenchmarks = EmploymentBenchmarks()
    # IPS_ROADMAP_WEB__USERNAME / IPS_ROADMAP_WEB__PASSWORD: the state team's sign-in for `ips-roadmap web`.
    web: WebSettings = WebSettings()
    # e.g. IPS_ROADMAP_SCHEDULE__TIME=05:30 IPS_ROADMAP_SCHEDULE__TIMEZONE=America/Denver
    schedule: SweepSchedule = SweepSchedule()
    # Where `ips-roadmap` keeps Prefect's local state when no Prefect server is configured.
    data_dir: Path = Path(".ips-roadmap")

    @field_validator("database_url")
    @classmethod
    def _supported_backend(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value().strip()
        # psycopg 3 is the driver we ship; plain postgresql:// would ask SQLAlchemy for psycopg2.
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                url = "postgresql+psycopg://" + url.removeprefix(plain)
        scheme = url.split("://", 1)[0]
        if "://" not in url or scheme not in _SCHEMES:
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return SecretStr(url)

    @field_validator("templates_dir")
    @classmethod
    def _templates_render(cls, value: Path | None) -> Path | None:
        # Checked on load, like the rules files: a mistyped folder would otherwise silently mean the packaged
        # templates, and a broken template would surface only in a sweep that has already queued its reminders.
        if value is not None:
            try:
                check_templates(value)
            except InvalidInput as error:
                raise ValueError(str(error)) from None
        return value


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from the environment, with a command-line database URL taking precedence."""
    try:
        if database_url is not None:
            return Settings(database_url=SecretStr(database_url))
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        # The message never echoes the value: a database URL may carry a password.
        raise InvalidInput(f"setting {field}: {first['msg'].removeprefix('Value error, ')}") from None
