<?php
/**
 * Stand-in for `WHMCS\Product\Product`, the Eloquent model of tblproducts (tests/whmcs/README.md#tables).
 */

declare(strict_types=1);

namespace WHMCS\Product;

use Illuminate\Database\Eloquent\Model;

class Product extends Model
{
    protected $table = 'tblproducts';
    protected $guarded = ['id'];
}
