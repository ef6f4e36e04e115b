<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * The module's product e-mail templates ("Aflexi CDN Welcome Mail", "Aflexi CDN Bandwidth
 * Alert"): inserted when missing, never overwriting an administrator's edits (looked up by
 * name first), in the shape of WHMCS's own product templates (docs/WHMCS-FIDELITY.md).
 */
final class EmailTemplates
{
    public const TYPE = 'product';

    /** The template's id, inserting it (HTML, enabled, custom) when none of that name exists. */
    public static function install(string $name, string $subject, string $body): int
    {
        $existing = Capsule::table('tblemailtemplates')
            ->where('type', self::TYPE)
            ->where('name', $name)
            ->orderBy('id')
            ->value('id');
        if ($existing !== null) {
            return (int) $existing;
        }
        $now = PublisherRecords::now();
        $row = [
            'type' => self::TYPE,
            'name' => $name,
            'subject' => $subject,
            'message' => $body,
            'attachments' => '',
            'fromname' => '',
            'fromemail' => '',
            'disabled' => 0,
            'custom' => 1,
            'language' => '',
            'copyto' => '',
            'blind_copy_to' => '',
            'plaintext' => 0,
            'created_at' => $now,
            'updated_at' => $now,
        ];
        // The column set differs between WHMCS versions: write the columns this one has.
        $columns = array_flip(Capsule::schema()->getColumnListing('tblemailtemplates'));
        return (int) Capsule::table('tblemailtemplates')->insertGetId(array_intersect_key($row, $columns));
    }
}
