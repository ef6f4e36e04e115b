<?php
/**
 * `$params['model']->serviceProperties` (developers.whmcs.com/provisioning-modules/service-properties, WHMCS 7.2+): `save()` and
 * `get()` of named values for one service. The core names map to tblhosting columns (the
 * password is stored encrypted); any other name is a product custom field, created on first
 * save (admin-only text field), whose value lives in tblcustomfieldsvalues.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ServiceProperties
{
    /** Property name => tblhosting column (developers.whmcs.com/provisioning-modules/service-properties). */
    public const CORE_COLUMNS = [
        'Username' => 'username',
        'Password' => 'password',
        'Domain' => 'domain',
        'License Key' => 'domain',
        'Dedicated IP' => 'dedicatedip',
        'Disk Usage' => 'diskusage',
        'Disk Limit' => 'disklimit',
        'Bandwidth Usage' => 'bwusage',
        'Bandwidth Limit' => 'bwlimit',
        'Last Update' => 'lastupdate',
    ];

    public function __construct(private int $serviceId)
    {
    }

    /** @param array<string, scalar> $values name => value */
    public function save(array $values): void
    {
        foreach ($values as $name => $value) {
            $column = self::CORE_COLUMNS[$name] ?? null;
            if ($column !== null) {
                $value = $column === 'password' ? Crypto::encrypt((string) $value) : $value;
                Capsule::table('tblhosting')->where('id', $this->serviceId)->update([$column => $value]);
                continue;
            }
            $fieldId = $this->fieldId((string) $name, true);
            CustomFields::setValue($fieldId, $this->serviceId, (string) $value);
        }
    }

    public function get(string $name): string
    {
        $column = self::CORE_COLUMNS[$name] ?? null;
        if ($column !== null) {
            $value = (string) Capsule::table('tblhosting')->where('id', $this->serviceId)->value($column);
            return $column === 'password' ? Crypto::decrypt($value) : $value;
        }
        $fieldId = $this->fieldId($name, false);
        return $fieldId === null ? '' : CustomFields::value($fieldId, $this->serviceId);
    }

    private function fieldId(string $name, bool $create): ?int
    {
        $pid = (int) Capsule::table('tblhosting')->where('id', $this->serviceId)->value('packageid');
        $id = CustomFields::findProductField($pid, $name);
        if ($id === null && $create) {
            $id = (int) Capsule::table('tblcustomfields')->insertGetId([
                'type' => 'product', 'relid' => $pid, 'fieldname' => $name, 'fieldtype' => 'text', 'adminonly' => 'on',
            ]);
        }
        return $id;
    }
}
