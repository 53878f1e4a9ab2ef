namespace MasqueDashboard.Features.Scanning.MachO;

/// <summary>
/// A consistency failure that does not stop parsing (apple-codesign's verify.rs style): the structure was readable,
/// but something about it is wrong or suspicious. <paramref name="Offset"/> is the absolute file offset concerned.
/// </summary>
public sealed record MachOProblem(string Code, string Message, long Offset)
{
    public override string ToString() => $"{Code} at {Offset}: {Message}";
}

/// <summary>Stable codes of <see cref="MachOProblem"/>s; rules match on these, never on messages.</summary>
public static class MachOProblemCodes
{
    /// <summary>The load commands end before <c>sizeofcmds</c> does.</summary>
    public const string LoadCommandSlack = "MACHO-LOADCMD-SLACK";

    /// <summary>A command with the <c>LC_REQ_DYLD</c> bit that this reader (and likely dyld) does not know.</summary>
    public const string UnknownRequiredCommand = "MACHO-LOADCMD-UNKNOWN-REQUIRED";

    /// <summary>A section's file range lies outside the slice.</summary>
    public const string SectionRange = "MACHO-SECTION-RANGE";

    /// <summary>The encrypted range is not inside one segment, or overlaps the load commands (DOMAIN §5.3).</summary>
    public const string EncryptionRange = "MACHO-ENCRYPTION-RANGE";

    /// <summary>The code signature does not lie inside <c>__LINKEDIT</c>, or overlaps the load commands.</summary>
    public const string SignaturePlacement = "MACHO-SIGNATURE-PLACEMENT";

    /// <summary>Bytes after the SuperBlob's length inside <c>datasize</c> are not zero padding.</summary>
    public const string SignatureTrailingData = "CS-TRAILING-DATA";

    /// <summary>A Requirements blob whose index or entries do not parse (DOMAIN §5.7).</summary>
    public const string RequirementsMalformed = "CS-REQUIREMENTS-MALFORMED";

    /// <summary>The DER entitlements blob does not decode (DOMAIN §5.6).</summary>
    public const string DerEntitlementsMalformed = "CS-DER-ENTITLEMENTS-MALFORMED";

    /// <summary>Entitlements exist in only one of the XML and DER forms.</summary>
    public const string EntitlementsFormMissing = "CS-ENTITLEMENTS-FORM-MISSING";

    /// <summary><c>CS_ADHOC</c> disagrees with the presence of a CMS signature (DOMAIN §5.8).</summary>
    public const string AdHocFlagMismatch = "CS-ADHOC-MISMATCH";

    /// <summary>The CodeDirectories of one signature name different identifiers or teams.</summary>
    public const string CodeDirectoriesDisagree = "CD-ALTERNATES-DISAGREE";

    /// <summary><c>pageSize</c> 0 (single page) or another value iOS does not run (DOMAIN §5.5).</summary>
    public const string PageSize = "CD-PAGE-SIZE";

    /// <summary>SHA-512 (hash type 5): known to signing tools, refused by the kernel.</summary>
    public const string HashTypeRefusedByKernel = "CD-HASH-TYPE";

    /// <summary>The CodeDirectory has no identifier string.</summary>
    public const string MissingIdentifier = "CD-NO-IDENTIFIER";

    /// <summary>The CodeDirectory's declared length does not end where its code slots end.</summary>
    public const string Length = "CD-LENGTH";

    /// <summary><c>hashOffset − nSpecialSlots × hashSize</c> is not the end of the header and strings, or a string or
    /// slot overlaps the header.</summary>
    public const string Layout = "CD-LAYOUT";

    /// <summary><c>nCodeSlots ≠ ((limit − 1) &gt;&gt; pageSize) + 1</c>.</summary>
    public const string CodeSlotCount = "CD-CODE-SLOTS";

    /// <summary>The code limit runs past the slice or into the signature.</summary>
    public const string CodeLimit = "CD-CODE-LIMIT";

    /// <summary>More special slots than any signer writes; only the first ones are exposed.</summary>
    public const string SpecialSlotCount = "CD-SPECIAL-SLOTS-COUNT";

    /// <summary>A special slot's hash does not match the blob it binds.</summary>
    public const string SpecialSlotMismatch = "CD-SPECIAL-SLOT-MISMATCH";

    /// <summary>A blob is present but the CodeDirectory has no special slot for it: it is not bound by the signature.</summary>
    public const string SpecialSlotUnbound = "CD-SPECIAL-SLOT-UNBOUND";

    /// <summary>A special slot holds a hash but its blob is absent.</summary>
    public const string SpecialSlotOrphan = "CD-SPECIAL-SLOT-ORPHAN";

    /// <summary>One or more code pages do not hash to their code slot.</summary>
    public const string PageHashMismatch = "CD-PAGE-HASH-MISMATCH";
}
