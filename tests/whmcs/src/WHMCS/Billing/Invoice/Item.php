<?php
/**
 * Stand-in for `WHMCS\Billing\Invoice\Item` (tblinvoiceitems; `type` + `relid` link a line to a
 * service or addon, tests/whmcs/README.md#tables).
 */

declare(strict_types=1);

namespace WHMCS\Billing\Invoice;

use Illuminate\Database\Eloquent\Model;

class Item extends Model
{
    protected $table = 'tblinvoiceitems';
    protected $guarded = ['id'];
    public $timestamps = false;
}
