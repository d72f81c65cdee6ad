; Hacker's Delight P15 (Gulwani et al., PLDI 2011): Ceiling of the average of two integers without overflowing.
; best-known: 4
; reference: the naive specification of benchmarks/hackers_delight/p15.task, unrolled by benchmarks/sygus/make.py
(set-logic ALL)
(define-fun spec ((x (_ BitVec 32)) (y (_ BitVec 32))) (_ BitVec 32)
  ((_ int2bv 32) (div (+ (+ (bv2nat x) (bv2nat y)) 1) 2)))
(synth-fun f ((x (_ BitVec 32)) (y (_ BitVec 32))) (_ BitVec 32)
  ((Start (_ BitVec 32)) (StartBool Bool))
  ((Start (_ BitVec 32) (x y #x00000000 #x00000001 #xffffffff (Constant (_ BitVec 32))
      (bvnot Start) (bvneg Start) (bvand Start Start) (bvor Start Start) (bvxor Start Start)
      (bvadd Start Start) (bvsub Start Start) (bvmul Start Start) (bvudiv Start Start) (bvurem Start Start)
      (bvshl Start Start) (bvlshr Start Start) (bvashr Start Start) (ite StartBool Start Start)))
   (StartBool Bool ((= Start Start) (bvult Start Start) (bvule Start Start) (bvslt Start Start) (bvsle Start Start)
      (not StartBool) (and StartBool StartBool) (or StartBool StartBool)))))
(declare-var x (_ BitVec 32))
(declare-var y (_ BitVec 32))
(constraint (= (f x y) (spec x y)))
(check-synth)
