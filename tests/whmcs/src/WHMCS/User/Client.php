<?php
/**
 * Stand-in for `WHMCS\User\Client`, the Eloquent model of tblclients (tests/whmcs/README.md#tables).
 */

declare(strict_types=1);

namespace WHMCS\User;

use Illuminate\Database\Eloquent\Model;

class Client extends Model
{
    protected $table = 'tblclients';
    protected $guarded = ['id'];

    public function services()
    {
        return $this->hasMany(\WHMCS\Service\Service::class, 'userid');
    }
}
