using System.Globalization;

namespace MasqueDashboard.Features.Audit.Logins;

/// <summary>The <c>Audit</c> configuration section: business hours for the off-hours detection.</summary>
public sealed class LoginAuditOptions
{
    public const string Section = "Audit";

    public BusinessHoursSettings BusinessHours { get; set; } = new();

    public sealed class BusinessHoursSettings
    {
        /// <summary>Local time (in <see cref="TimeZone"/>) business hours start, inclusive.</summary>
        public TimeOnly Start { get; set; } = new(8, 0);

        /// <summary>Local time business hours end, exclusive.</summary>
        public TimeOnly End { get; set; } = new(18, 0);

        /// <summary>
        /// Working days, comma-separated English day names or three-letter abbreviations. A string, not an
        /// array: the configuration binder appends to a default array instead of replacing it.
        /// </summary>
        public string Days { get; set; } = "Mon,Tue,Wed,Thu,Fri";

        /// <summary>An IANA time zone id (Europe/Paris, America/New_York) or UTC.</summary>
        public string TimeZone { get; set; } = "UTC";

        /// <summary>The parsed <see cref="Days"/>, or null when one is not a day name.</summary>
        public IReadOnlySet<DayOfWeek>? ParseDays()
        {
            var days = new HashSet<DayOfWeek>();
            foreach (var part in (Days ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var day = Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>().FirstOrDefault(d =>
                    string.Equals(d.ToString(), part, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(d.ToString()![..3], part, StringComparison.OrdinalIgnoreCase));
                if (day is null)
                {
                    return null;
                }

                days.Add(day.Value);
            }

            return days.Count == 0 ? null : days;
        }

        public TimeZoneInfo? FindTimeZone() =>
            TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out var zone) ? zone : null;

        /// <summary>True when <paramref name="instant"/> falls on a working day between Start and End in the zone.</summary>
        public bool Contains(DateTimeOffset instant)
        {
            var local = TimeZoneInfo.ConvertTime(instant, FindTimeZone() ?? TimeZoneInfo.Utc);
            var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
            return (ParseDays() ?? new HashSet<DayOfWeek>()).Contains(local.DayOfWeek) && time >= Start && time < End;
        }

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Days} {Start:HH\\:mm}–{End:HH\\:mm} {TimeZone}");
    }
}
