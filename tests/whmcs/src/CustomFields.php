<?php
/**
 * Custom fields as WHMCS keeps them (tests/whmcs/README.md#tables): definitions in tblcustomfields (`type` product with
 * `relid` = pid, or client with `relid` 0), values in tblcustomfieldsvalues keyed by
 * (fieldid, relid = service id or client id). A field name may use the `name|Friendly name`
 * syntax; modules see the part before the pipe.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class CustomFields
{
    /** The name a module sees for a tblcustomfields.fieldname. */
    public static function systemName(string $fieldname): string
    {
        return explode('|', $fieldname, 2)[0];
    }

    public static function findProductField(int $pid, string $name): ?int
    {
        foreach (Capsule::table('tblcustomfields')->where('type', 'product')->where('relid', $pid)->get() as $field) {
            if (self::systemName($field->fieldname) === $name) {
                return (int) $field->id;
            }
        }
        return null;
    }

    public static function value(int $fieldId, int $relId): string
    {
        return (string) Capsule::table('tblcustomfieldsvalues')
            ->where('fieldid', $fieldId)->where('relid', $relId)->value('value');
    }

    public static function setValue(int $fieldId, int $relId, string $value): void
    {
        $query = Capsule::table('tblcustomfieldsvalues')->where('fieldid', $fieldId)->where('relid', $relId);
        if ($query->exists()) {
            $query->update(['value' => $value]);
        } else {
            Capsule::table('tblcustomfieldsvalues')->insert(['fieldid' => $fieldId, 'relid' => $relId, 'value' => $value]);
        }
    }

    /**
     * The fields of one product (type 'product', relid pid) or of clients (type 'client',
     * relid 0) with their values for one service or client, in sortorder.
     *
     * @return list<array{id: int, name: string, fieldname: string, value: string}>
     */
    public static function withValues(string $type, int $definitionRelId, int $valueRelId): array
    {
        $fields = Capsule::table('tblcustomfields')
            ->where('type', $type)->where('relid', $definitionRelId)
            ->orderBy('sortorder')->orderBy('id')->get();
        $out = [];
        foreach ($fields as $field) {
            $out[] = [
                'id' => (int) $field->id,
                'name' => self::systemName($field->fieldname),
                'fieldname' => $field->fieldname,
                'value' => self::value((int) $field->id, $valueRelId),
            ];
        }
        return $out;
    }
}
