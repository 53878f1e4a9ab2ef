namespace MasqueDashboard.Features.Fleet.Simulator;

/// <summary>
/// App Store apps a 2014 corporate fleet carried: real bundle ids and names, versions of the era. Team ids and signer
/// fingerprints are stable stand-ins per vendor (<see cref="Fingerprints"/>), not the vendors' real ones.
/// </summary>
public static class AppStoreApps
{
    public static IReadOnlyList<SimulatedApp> All { get; } =
    [
        App("com.facebook.Facebook", "Facebook", "20.1", "Facebook", "fb"),
        App("com.facebook.Messenger", "Messenger", "14.0", "Facebook", "fb-messenger"),
        App("com.burbn.instagram", "Instagram", "6.2.2", "Instagram", "instagram"),
        App("net.whatsapp.WhatsApp", "WhatsApp", "2.11.12", "WhatsApp", "whatsapp"),
        App("com.google.Gmail", "Gmail", "3.15253", "Google", "googlegmail"),
        App("com.google.Maps", "Google Maps", "3.2.1", "Google", "comgooglemaps"),
        App("com.google.chrome.ios", "Chrome", "38.0.2125.59", "Google", "googlechrome", "googlechromes"),
        App("com.google.ios.youtube", "YouTube", "2.15.4", "Google", "youtube"),
        App("com.google.Drive", "Google Drive", "3.2.0", "Google", "googledrive"),
        App("com.google.GoogleMobile", "Google", "4.3.0", "Google", "google"),
        App("com.waze.iphone", "Waze", "3.9.0", "Waze", "waze"),
        App("com.skype.skype", "Skype", "5.5", "Skype", "skype"),
        App("com.microsoft.skydrive", "OneDrive", "5.2", "Microsoft", "ms-onedrive"),
        App("com.microsoft.Office.Word", "Microsoft Word", "1.0.1", "Microsoft", "ms-word"),
        App("com.microsoft.Office.Excel", "Microsoft Excel", "1.0.1", "Microsoft", "ms-excel"),
        App("com.microsoft.Office.Powerpoint", "Microsoft PowerPoint", "1.0.1", "Microsoft", "ms-powerpoint"),
        App("com.microsoft.lync2013.iphone", "Lync 2013", "5.5", "Microsoft", "lync"),
        App("com.dropbox.Dropbox", "Dropbox", "3.5", "Dropbox", "dbapi-1"),
        App("com.box.BoxNet", "Box", "3.5.1", "Box"),
        App("com.evernote.iPhone.Evernote", "Evernote", "7.6", "Evernote", "evernote"),
        App("com.atebits.Tweetie2", "Twitter", "6.15", "Twitter", "twitter"),
        App("com.linkedin.LinkedIn", "LinkedIn", "8.0.4", "LinkedIn", "linkedin"),
        App("com.tinyspeck.chatlyio", "Slack", "2.3", "Slack", "slack"),
        App("com.cisco.webex.meetings", "Cisco WebEx Meetings", "5.4", "Cisco", "wbx"),
        App("com.salesforce.chatter", "Salesforce1", "7.0", "Salesforce"),
        App("com.readdle.ReaddleDocsIPad", "Documents by Readdle", "5.4", "Readdle"),
        App("com.yourcompany.PPClient", "PayPal", "5.7", "PayPal", "paypal"),
        App("com.amazon.Amazon", "Amazon", "4.2.2", "Amazon"),
        App("com.ebay.iphone", "eBay", "3.7", "eBay", "ebay"),
        App("com.spotify.client", "Spotify", "1.5.0", "Spotify", "spotify"),
        App("com.pandora", "Pandora", "5.8", "Pandora", "pandora"),
        App("com.shazam.Shazam", "Shazam", "8.0", "Shazam", "shazam"),
        App("com.netflix.Netflix", "Netflix", "7.0.1", "Netflix", "nflx"),
        App("com.yelp.yelpiphone", "Yelp", "9.0", "Yelp", "yelp"),
        App("com.ubercab.UberClient", "Uber", "2.91", "Uber", "uber"),
        App("com.airbnb.app", "Airbnb", "5.1", "Airbnb", "airbnb"),
        App("com.weather.TWC", "The Weather Channel", "5.0", "The Weather Channel"),
        App("com.viber", "Viber", "5.1", "Viber", "viber"),
        App("com.toyopagroup.picaboo", "Snapchat", "8.0", "Snapchat", "snapchat"),
        App("com.kik.chat", "Kik", "7.6", "Kik", "kik"),
        App("com.flipboard.flipboard-ipad", "Flipboard", "3.0", "Flipboard", "flipboard"),
        App("com.cnn.iphone", "CNN", "2.3", "CNN"),
        App("com.nytimes.NYTimes", "NYTimes", "5.0", "The New York Times", "nytimes"),
        App("com.apple.Pages", "Pages", "2.5", "Apple"),
        App("com.apple.Keynote", "Keynote", "2.5", "Apple"),
        App("com.apple.Numbers", "Numbers", "2.5", "Apple"),
        App("com.apple.itunesu", "iTunes U", "2.2", "Apple"),
    ];

    public static SimulatedApp? Find(string bundleId) => All.FirstOrDefault(a => string.Equals(a.BundleId, bundleId, StringComparison.Ordinal));

    private static SimulatedApp App(string bundleId, string name, string version, string vendor, params string[] schemes) =>
        new(bundleId, name, version, Fingerprints.TeamId(vendor), Fingerprints.Sha1($"App Store signer: {vendor}"), SimulatedApp.AppStore, schemes, Managed: false);
}
