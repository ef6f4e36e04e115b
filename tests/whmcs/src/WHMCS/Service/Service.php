<?php
/**
 * Stand-in for `WHMCS\Service\Service`, the Eloquent model of tblhosting that WHMCS passes as
 * `$params['model']` (developers.whmcs.com/provisioning-modules/module-parameters, tests/whmcs/README.md#write-back): attributes are the tblhosting columns, `save()` writes
 * them back, `serviceProperties` stores values as developers.whmcs.com/provisioning-modules/service-properties describes.
 *
 * @property int $id
 * @property int $userid
 * @property int $packageid
 * @property int $server
 * @property string $domain
 * @property string $username
 * @property string $password encrypted, as stored
 * @property string $domainstatus
 * @property-read \WhmcsHarness\ServiceProperties $serviceProperties
 */

declare(strict_types=1);

namespace WHMCS\Service;

use Illuminate\Database\Eloquent\Model;
use WhmcsHarness\ServiceProperties;

class Service extends Model
{
    protected $table = 'tblhosting';
    protected $guarded = ['id'];

    public function client()
    {
        return $this->belongsTo(\WHMCS\User\Client::class, 'userid');
    }

    public function product()
    {
        return $this->belongsTo(\WHMCS\Product\Product::class, 'packageid');
    }

    public function getServicePropertiesAttribute(): ServiceProperties
    {
        return new ServiceProperties((int) $this->id);
    }
}
