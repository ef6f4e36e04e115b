<?php
/**
 * Stand-in for `WHMCS\Billing\Invoice`, the Eloquent model of tblinvoices that the
 * InvoicePaid hook receives as `$vars['invoice']` (developers.whmcs.com/hooks-reference). Items are tblinvoiceitems rows.
 */

declare(strict_types=1);

namespace WHMCS\Billing;

use Illuminate\Database\Eloquent\Model;

class Invoice extends Model
{
    protected $table = 'tblinvoices';
    protected $guarded = ['id'];

    public function items()
    {
        return $this->hasMany(Invoice\Item::class, 'invoiceid');
    }

    public function client()
    {
        return $this->belongsTo(\WHMCS\User\Client::class, 'userid');
    }
}
