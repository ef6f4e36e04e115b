<?php
/**
 * The slice of WHMCS's own tables that the aflexi module and the aflexi_cdn addon touch, with
 * WHMCS's column names and types as a fresh WHMCS 8 install creates them (docs/WHMCS-FIDELITY.md,
 * "Database"): InnoDB, charset utf8 (utf8mb3) with utf8_unicode_ci, text/int/decimal(16,2)
 * columns, date/datetime with '0000-00-00' "not set" values, ENUMs where WHMCS declares them.
 *
 * The tables the modules insert into (tbladdons, tblemailtemplates) and the columns they write
 * are exact: NOT NULL without a default where WHMCS has none, so an insert that leaves one out
 * fails under a strict sql_mode as it does on such a WHMCS. Elsewhere, text columns default to ''
 * to keep the fixtures short (a real WHMCS has no default there; the modules never insert there).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use Closure;
use Illuminate\Database\Schema\Blueprint;
use WHMCS\Database\Capsule;

final class Schema
{
    /** tblhosting.domainstatus / tblhostingaddons.status (tests/whmcs/README.md#tables). */
    public const SERVICE_STATUSES = ['Pending', 'Active', 'Suspended', 'Terminated', 'Cancelled', 'Fraud', 'Completed'];
    /** tblclients.status (tests/whmcs/README.md#tables). */
    public const CLIENT_STATUSES = ['Active', 'Inactive', 'Closed'];
    /** tblinvoices.status values accepted by UpdateInvoice (developers.whmcs.com/api/internal-api). */
    public const INVOICE_STATUSES = ['Draft', 'Unpaid', 'Paid', 'Cancelled', 'Refunded', 'Collections', 'Payment Pending'];

    /**
     * Ids of each table start at a different base (tblclients 400001, tblhosting 1300001, ...)
     * and keep increasing across tests, so a client id, a service id and an invoice id are
     * never equal: code that mixes them up (e.g. `userid` is the client, developers.whmcs.com/provisioning-modules/module-parameters) fails instead of
     * passing by coincidence. Never hard-code an id in a test.
     */
    public const ID_BASE_STEP = 100000;

    /** WHMCS's core tables: utf8 (MariaDB and MySQL 8 call it utf8mb3), utf8_unicode_ci. */
    public const CHARSET = 'utf8';
    public const COLLATION = 'utf8_unicode_ci';

    /** Drops (if present) and creates every table. Called once per PHPUnit process. */
    public static function create(): void
    {
        $schema = Capsule::schema();
        $db = Capsule::connection();
        $position = 0;
        foreach (self::tables() as $name => $define) {
            $schema->dropIfExists($name);
            $schema->create($name, static function (Blueprint $t) use ($define): void {
                $t->engine = 'InnoDB';
                $t->charset = self::CHARSET;
                $t->collation = self::COLLATION;
                $define($t);
            });
            $position++;
            if ($name === 'tblconfiguration') {
                continue;
            }
            $base = $position * self::ID_BASE_STEP;
            if ($db->getDriverName() === 'sqlite') {
                $db->insert('insert into sqlite_sequence (name, seq) values (?, ?)', [$name, $base]);
            } else {
                $db->statement("alter table `$name` auto_increment = " . ($base + 1));
            }
        }
    }

    /** @return list<string> the table names this schema owns */
    public static function tableNames(): array
    {
        return array_keys(self::tables());
    }

    /**
     * What a fresh WHMCS install has before anything is sold: the default currency (id 1), one
     * full admin (id 1, role 1), and the settings the stand-ins read. ModuleDebugMode is on so that
     * logModuleCall entries are kept (developers.whmcs.com/provisioning-modules/module-logging); set it to '' to test the switched-off case.
     */
    public static function seed(): void
    {
        Capsule::table('tblcurrencies')->insert([
            'id' => 1, 'code' => 'USD', 'prefix' => '$', 'suffix' => ' USD', 'format' => 1, 'rate' => 1, 'default' => 1,
        ]);
        Capsule::table('tbladmins')->insert([
            'id' => 1, 'uuid' => '00000000-0000-4000-8000-000000000001', 'roleid' => 1, 'username' => 'admin',
            'firstname' => 'Harness', 'lastname' => 'Admin', 'email' => 'admin@whmcs.test',
        ]);
        $settings = [
            'CompanyName' => 'Harness Hosting',
            'Email' => 'billing@whmcs.test',
            'SystemURL' => 'https://whmcs.test/',
            'Signature' => 'The Harness Hosting team',
            'Version' => Whmcs::VERSION,
            'ModuleDebugMode' => 'on',
            'AutoUnsuspend' => 'on',
        ];
        $rows = [];
        foreach ($settings as $setting => $value) {
            $rows[] = ['setting' => $setting, 'value' => $value];
        }
        Capsule::table('tblconfiguration')->insert($rows);
    }

    /** @return array<string, Closure(Blueprint): void> */
    private static function tables(): array
    {
        return [
            'tblconfiguration' => static function (Blueprint $t): void {
                $t->string('setting', 64)->primary();
                self::texts($t, 'value');
                $t->timestamps();
            },
            'tblcurrencies' => static function (Blueprint $t): void {
                $t->increments('id');
                self::texts($t, 'code', 'prefix', 'suffix');
                $t->integer('format')->default(1);
                $t->decimal('rate', 10, 5)->default(1);
                $t->tinyInteger('default')->default(0);
            },
            'tbladmins' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->string('uuid', 255)->default('');
                $t->integer('roleid')->default(1);
                self::texts($t, 'username', 'password', 'passwordhash', 'authmodule', 'firstname', 'lastname',
                    'email', 'signature', 'notes', 'template', 'language', 'supportdepts',
                    'ticketnotifications', 'homewidgets');
                $t->tinyInteger('disabled')->default(0);
                $t->integer('loginattempts')->default(0);
                $t->timestamps();
            },
            'tblclients' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->string('uuid', 255)->default('');
                self::texts($t, 'firstname', 'lastname', 'companyname', 'email', 'address1', 'address2', 'city',
                    'state', 'postcode', 'country', 'phonenumber', 'password', 'authmodule', 'authdata',
                    'defaultgateway', 'notes', 'ip', 'host', 'language');
                $t->string('tax_id', 128)->default('');
                $t->integer('currency')->default(1);
                $t->decimal('credit', 16, 2)->default(0);
                foreach (['taxexempt', 'latefeeoveride', 'overideduenotices', 'separateinvoices', 'disableautocc',
                    'emailoptout', 'marketing_emails_opt_in', 'overrideautoclose', 'email_verified'] as $flag) {
                    $t->tinyInteger($flag)->default(0);
                }
                $t->tinyInteger('allow_sso')->default(1);
                $t->date('datecreated')->default('0000-00-00');
                $t->integer('billingcid')->default(0);
                $t->integer('groupid')->default(0);
                $t->dateTime('lastlogin')->nullable();
                $t->enum('status', Schema::CLIENT_STATUSES)->default('Active');
                $t->timestamps();
            },
            'tblproductgroups' => static function (Blueprint $t): void {
                $t->increments('id');
                self::texts($t, 'name', 'slug', 'headline', 'tagline', 'orderfrmtpl', 'disabledgateways');
                $t->tinyInteger('hidden')->default(0);
                $t->integer('order')->default(0);
                $t->timestamps();
            },
            'tblproducts' => static function (Blueprint $t): void {
                $t->increments('id');
                // Both TEXT NOT NULL without a default (hostingaccount/reselleraccount/server/other,
                // free/onetime/recurring), not ENUMs.
                $t->text('type');
                $t->text('paytype');
                $t->integer('gid')->default(0);
                self::texts($t, 'name', 'slug', 'description', 'autosetup', 'servertype', 'overagesenabled',
                    'autoterminateemail');
                $t->tinyInteger('hidden')->default(0);
                $t->tinyInteger('showdomainoptions')->default(0);
                $t->integer('welcomeemail')->default(0);
                $t->tinyInteger('stockcontrol')->default(0);
                $t->integer('qty')->default(0);
                $t->integer('servergroup')->default(0);
                for ($i = 1; $i <= 24; $i++) {
                    $t->text('configoption' . $i)->default('');
                }
                $t->tinyInteger('tax')->default(0);
                $t->integer('order')->default(0);
                $t->tinyInteger('retired')->default(0);
                $t->integer('overagesdisklimit')->default(0);
                $t->integer('overagesbwlimit')->default(0);
                $t->decimal('overagesdiskprice', 6, 4)->default(0);
                $t->decimal('overagesbwprice', 6, 4)->default(0);
                $t->timestamps();
            },
            'tblpricing' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->enum('type', ['product', 'addon', 'configoptions', 'domainregister', 'domaintransfer',
                    'domainrenew', 'domainaddons', 'usage']);
                $t->integer('currency')->default(1);
                $t->integer('relid')->default(0);
                foreach (['msetupfee', 'qsetupfee', 'ssetupfee', 'asetupfee', 'bsetupfee', 'tsetupfee',
                    'monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'] as $price) {
                    $t->decimal($price, 16, 2)->default(0);
                }
            },
            'tblproductconfigoptions' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('gid')->default(0);
                self::texts($t, 'optionname');
                $t->integer('optiontype')->default(1); // 1 dropdown, 2 radio, 3 yes/no, 4 quantity
                $t->integer('qtyminimum')->default(0);
                $t->integer('qtymaximum')->default(0);
                $t->integer('order')->default(0);
                $t->tinyInteger('hidden')->default(0);
            },
            'tblproductconfigoptionssub' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('configid')->default(0);
                self::texts($t, 'optionname');
                $t->integer('sortorder')->default(0);
                $t->tinyInteger('hidden')->default(0);
            },
            'tblhostingconfigoptions' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('relid')->default(0);
                $t->integer('configid')->default(0);
                $t->integer('optionid')->default(0);
                $t->integer('qty')->default(0);
            },
            'tblservers' => static function (Blueprint $t): void {
                $t->increments('id');
                self::texts($t, 'name', 'ipaddress', 'assignedips', 'hostname', 'noc', 'statusaddress',
                    'nameserver1', 'nameserver1ip', 'nameserver2', 'nameserver2ip', 'nameserver3', 'nameserver3ip',
                    'nameserver4', 'nameserver4ip', 'nameserver5', 'nameserver5ip', 'type', 'username', 'password',
                    'accesshash', 'secure');
                $t->decimal('monthlycost', 16, 2)->default(0);
                $t->integer('maxaccounts')->default(0);
                $t->integer('port')->nullable();
                $t->tinyInteger('active')->default(0);
                $t->tinyInteger('disabled')->default(0);
                $t->timestamps();
            },
            'tblhosting' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('userid')->default(0);
                $t->integer('orderid')->default(0);
                $t->integer('packageid')->default(0);
                $t->integer('server')->default(0);
                $t->date('regdate')->default('0000-00-00');
                self::texts($t, 'domain', 'paymentmethod', 'billingcycle', 'username', 'password', 'notes',
                    'subscriptionid', 'suspendreason', 'dedicatedip', 'assignedips', 'ns1', 'ns2');
                $t->integer('qty')->default(1);
                $t->decimal('firstpaymentamount', 16, 2)->default(0);
                $t->decimal('amount', 16, 2)->default(0);
                $t->date('nextduedate')->default('0000-00-00');
                $t->date('nextinvoicedate')->default('0000-00-00');
                $t->date('termination_date')->default('0000-00-00');
                $t->date('completed_date')->default('0000-00-00');
                $t->enum('domainstatus', Schema::SERVICE_STATUSES)->default('Pending');
                $t->integer('promoid')->default(0);
                $t->tinyInteger('overideautosuspend')->default(0);
                $t->date('overidesuspenduntil')->default('0000-00-00');
                $t->integer('diskusage')->default(0);
                $t->integer('disklimit')->default(0);
                $t->integer('bwusage')->default(0); // int(10) signed, in MB: at most 2,147,483,647
                $t->integer('bwlimit')->default(0);
                $t->dateTime('lastupdate')->default('0000-00-00 00:00:00');
                $t->timestamps();
            },
            'tbladdons' => static function (Blueprint $t): void {
                // Column by column as WHMCS 8 creates it: eleven columns are NOT NULL without a
                // default, so an insert must name each (billingcycle: free/onetime/recurring;
                // autoactivate: '', 'on' or 'payment').
                $t->increments('id');
                $t->text('packages');
                $t->text('name');
                $t->text('description');
                $t->text('billingcycle');
                $t->unsignedTinyInteger('allowqty')->default(0);
                $t->tinyInteger('tax');
                $t->tinyInteger('showorder');
                $t->tinyInteger('hidden')->default(0);
                $t->tinyInteger('retired')->default(0);
                $t->text('downloads');
                $t->text('autoactivate');
                $t->tinyInteger('suspendproduct');
                $t->integer('welcomeemail');
                $t->string('type', 16)->default('');
                $t->string('module', 32)->default('');
                $t->integer('server_group_id')->default(0);
                $t->tinyInteger('prorate')->default(0);
                $t->integer('weight')->default(0);
                $t->text('autolinkby');
                $t->timestamp('created_at')->default('0000-00-00 00:00:00');
                $t->timestamp('updated_at')->default('0000-00-00 00:00:00');
            },
            'tblhostingaddons' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('orderid')->default(0);
                $t->integer('hostingid')->default(0);
                $t->integer('addonid')->default(0);
                $t->integer('userid')->default(0);
                $t->integer('server')->default(0);
                self::texts($t, 'name', 'billingcycle', 'tax', 'paymentmethod', 'notes', 'subscriptionid');
                $t->integer('qty')->default(1);
                $t->decimal('firstpaymentamount', 16, 2)->default(0);
                $t->decimal('setupfee', 16, 2)->default(0);
                $t->decimal('recurring', 16, 2)->default(0);
                $t->enum('status', Schema::SERVICE_STATUSES)->default('Pending');
                $t->date('regdate')->default('0000-00-00');
                $t->date('nextduedate')->default('0000-00-00');
                $t->date('nextinvoicedate')->default('0000-00-00');
                $t->date('termination_date')->default('0000-00-00');
                $t->timestamps();
            },
            'tblorders' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->bigInteger('ordernum')->default(0);
                $t->integer('userid')->default(0);
                $t->integer('contactid')->default(0);
                $t->integer('requestor_id')->default(0);
                $t->integer('admin_requestor_id')->default(0);
                $t->dateTime('date')->default('0000-00-00 00:00:00');
                self::texts($t, 'nameservers', 'transfersecret', 'renewals', 'promocode', 'promotype',
                    'promovalue', 'orderdata', 'paymentmethod', 'ipaddress', 'fraudmodule', 'fraudoutput', 'notes');
                $t->decimal('amount', 16, 2)->default(0);
                $t->integer('invoiceid')->default(0);
                $t->string('status', 64)->default('Pending');
            },
            'tblinvoices' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('userid')->default(0);
                self::texts($t, 'invoicenum', 'paymentmethod', 'notes');
                $t->date('date')->default('0000-00-00');
                $t->date('duedate')->default('0000-00-00');
                $t->dateTime('datepaid')->default('0000-00-00 00:00:00');
                $t->dateTime('last_capture_attempt')->default('0000-00-00 00:00:00');
                $t->dateTime('date_refunded')->default('0000-00-00 00:00:00');
                $t->dateTime('date_cancelled')->default('0000-00-00 00:00:00');
                foreach (['subtotal', 'credit', 'tax', 'tax2', 'total'] as $money) {
                    $t->decimal($money, 16, 2)->default(0);
                }
                $t->decimal('taxrate', 10, 3)->default(0);
                $t->decimal('taxrate2', 10, 3)->default(0);
                $t->string('status', 32)->default('Unpaid');
                $t->integer('paymethodid')->nullable();
                $t->timestamps();
            },
            'tblinvoiceitems' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('invoiceid')->default(0);
                $t->integer('userid')->default(0);
                $t->string('type', 30)->default('');
                $t->integer('relid')->default(0);
                self::texts($t, 'description', 'paymentmethod', 'notes');
                $t->decimal('amount', 16, 2)->default(0);
                $t->tinyInteger('taxed')->default(0);
                $t->date('duedate')->default('0000-00-00');
            },
            'tblaccounts' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('userid')->default(0);
                $t->integer('currency')->default(0);
                self::texts($t, 'gateway', 'description', 'transid');
                $t->dateTime('date')->default('0000-00-00 00:00:00');
                $t->decimal('amountin', 16, 2)->default(0);
                $t->decimal('fees', 16, 2)->default(0);
                $t->decimal('amountout', 16, 2)->default(0);
                $t->decimal('rate', 16, 5)->default(1);
                $t->integer('invoiceid')->default(0);
                $t->integer('refundid')->default(0);
            },
            'tblemailtemplates' => static function (Blueprint $t): void {
                // As WHMCS 8 creates it: every column but the timestamps NOT NULL without a default.
                $t->increments('id');
                foreach (['type', 'name', 'subject', 'message', 'attachments', 'fromname', 'fromemail'] as $column) {
                    $t->text($column);
                }
                $t->tinyInteger('disabled');
                $t->tinyInteger('custom');
                $t->text('language');
                $t->text('copyto');
                $t->text('blind_copy_to');
                $t->tinyInteger('plaintext');
                $t->timestamp('created_at')->default('0000-00-00 00:00:00');
                $t->timestamp('updated_at')->default('0000-00-00 00:00:00');
            },
            'tbladdonmodules' => static function (Blueprint $t): void {
                $t->increments('id');
                self::texts($t, 'module', 'setting', 'value');
            },
            'tblcustomfields' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->string('type', 32)->default('product');
                $t->integer('relid')->default(0);
                self::texts($t, 'fieldname', 'fieldtype', 'description', 'fieldoptions', 'regexpr', 'adminonly',
                    'required', 'showorder', 'showinvoice');
                $t->integer('sortorder')->default(0);
                $t->timestamps();
            },
            'tblcustomfieldsvalues' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('fieldid')->default(0);
                $t->integer('relid')->default(0);
                self::texts($t, 'value');
                $t->timestamps();
            },
            'tblactivitylog' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->dateTime('date')->default('0000-00-00 00:00:00');
                self::texts($t, 'description', 'user', 'ipaddr');
                $t->integer('userid')->default(0);
                $t->integer('user_id')->default(0);
                $t->integer('admin_id')->default(0);
            },
            'tblmodulelog' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->dateTime('date')->default('0000-00-00 00:00:00');
                self::texts($t, 'module', 'action');
                // mediumtext: a module-log entry may hold up to 16 MB of request or answer.
                foreach (['request', 'response', 'arrdata'] as $column) {
                    $t->mediumText($column);
                }
            },
        ];
    }

    /** Adds WHMCS-style `text NOT NULL DEFAULT ''` columns. */
    private static function texts(Blueprint $t, string ...$names): void
    {
        foreach ($names as $name) {
            $t->text($name)->default('');
        }
    }
}
